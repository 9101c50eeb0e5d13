import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _plain_static_files_and_empty_cache(settings):
    """Tests render templates without running collectstatic first, and every
    test starts with an empty cache."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()
