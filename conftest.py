import pytest
from django.core.cache import cache

from articles.reads import reads


@pytest.fixture(autouse=True)
def _plain_static_files_and_empty_cache(settings, tmp_path):
    """Tests render templates without running collectstatic first, write
    uploads to a temporary folder, and start with an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.READ_FLUSH_SECONDS = 3600  # tests flush the read counter themselves
    reads._pending.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()
