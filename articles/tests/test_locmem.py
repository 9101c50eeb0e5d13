"""The local-memory cache is bounded in bytes: a crawl over every article
cannot make a worker hold every page."""

import pytest
from django.core.cache import caches

from articles.locmem import SizeBoundedLocMemCache

PAGE = "页" * 10_000  # about 30 KB pickled, the size of an article page


@pytest.fixture
def small_cache():
    cache = SizeBoundedLocMemCache(
        "test-bounded", {"OPTIONS": {"MAX_BYTES": 100_000, "MAX_ENTRIES": 1000}}
    )
    cache.clear()
    yield cache
    cache.clear()


def test_pages_past_the_byte_bound_push_out_the_least_recently_used(small_cache):
    for n in range(3):
        small_cache.set(f"page{n}", PAGE)
    small_cache.get("page0")  # read again: now the most recent
    small_cache.set("page3", PAGE)
    assert small_cache.get("page0") == PAGE
    assert small_cache.get("page1") is None  # the least recently used went
    assert small_cache.get("page2") == PAGE and small_cache.get("page3") == PAGE
    assert small_cache.size_in_bytes <= 100_000


def test_the_size_follows_every_way_an_entry_leaves(small_cache):
    small_cache.set("a", PAGE)
    small_cache.set("a", "小")  # replaced by a small value
    assert small_cache.size_in_bytes < 100
    small_cache.set("b", PAGE)
    small_cache.delete("b")
    small_cache.set("c", PAGE, timeout=-1)  # already expired: dropped on read
    assert small_cache.get("c") is None
    assert small_cache.size_in_bytes < 100
    small_cache.clear()
    assert small_cache.size_in_bytes == 0


def test_a_value_larger_than_the_cache_is_not_kept(small_cache):
    small_cache.set("small", "小")
    small_cache.set("huge", "页" * 50_000)
    assert small_cache.get("huge") is None
    assert small_cache.get("small") == "小"


def test_a_long_crawl_stays_within_the_bound(small_cache):
    for n in range(200):
        small_cache.set(f"/cat/{n}.html", PAGE + str(n))
    assert small_cache.size_in_bytes <= 100_000
    assert small_cache.get("/cat/199.html") == PAGE + "199"


def test_the_site_caches_are_bounded_in_bytes(settings):
    """Every local-memory cache the settings configure has the bound."""
    local = [
        alias for alias, config in settings.CACHES.items() if "locmem" in config["BACKEND"].lower()
    ]
    assert local, "no local-memory cache configured"
    for alias in local:
        assert isinstance(caches[alias], SizeBoundedLocMemCache), alias
        assert caches[alias]._max_bytes == settings.CACHE_MAX_MB * 1024 * 1024
    stand_in = getattr(caches["default"], "stand_in", None)  # Redis's (articles/cache.py)
    if stand_in is not None:
        assert isinstance(stand_in, SizeBoundedLocMemCache)
        assert stand_in._max_bytes == settings.CACHE_MAX_MB * 1024 * 1024
