import pytest
from django.core.cache import cache

from articles.pagecache import version
from articles.reads import reads


@pytest.fixture(autouse=True)
def _plain_static_files_and_empty_cache(settings, tmp_path):
    """Tests render templates without running collectstatic first, write
    uploads to a temporary folder, and start with an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.READ_FLUSH_SECONDS = 3600  # tests flush the read counter themselves
    reads._pending.clear()
    # The page cache's content version is read once per test (not once a
    # second), so query counts do not depend on how long a test takes.
    settings.PAGE_CACHE_VERSION_SECONDS = 3600
    version.forget()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()
