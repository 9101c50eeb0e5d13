"""The Redis cache when Redis cannot be reached: no error, a local stand-in,
and Redis tried again only every RETRY_SECONDS (articles/cache.py). The
recovery against a real Redis is in faults/test_redis_down.py. And emptying
it, the site's and the tests' way, in a Redis database others use too."""

import socket
import uuid
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient

from articles import cache as cache_module
from articles.cache import CacheUnavailable, FailSoftRedisCache, glob_escape
from articles.tests.isolation import BORROWED_REDIS, TEST_RUN_PREFIX, empty_caches


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def down_cache():
    location = f"redis://127.0.0.1:{closed_port()}/0"
    cache_module._breakers.pop(location, None)
    backend = FailSoftRedisCache(
        location,
        {"KEY_PREFIX": "t", "RETRY_SECONDS": 60, "OPTIONS": {"socket_connect_timeout": 0.5}},
    )
    yield backend
    backend.stand_in.clear()
    cache_module._breakers.pop(location, None)


def test_an_unreachable_redis_is_a_miss_not_an_error(down_cache):
    assert down_cache.get("page") is None
    assert down_cache.breaker.is_open()


def test_while_redis_is_down_the_process_caches_and_counts_for_itself(down_cache):
    down_cache.set("page", "html", 30)
    assert down_cache.get("page") == "html"
    assert down_cache.add("attempts", 0, 60)
    assert down_cache.incr("attempts") == 1
    assert down_cache.incr("attempts") == 2
    assert down_cache.get_many(["page", "nothing"]) == {"page": "html"}


def test_redis_is_not_tried_again_until_the_retry_time(down_cache):
    with mock.patch.object(RedisCacheClient, "get", wraps=down_cache._cache.get) as tried:
        for _ in range(50):
            down_cache.get("page")
    assert tried.call_count == 1
    with pytest.raises(CacheUnavailable):
        down_cache.run(lambda client: client.ping())
    down_cache.breaker.open_until = 1.0  # the retry time has passed
    with mock.patch.object(RedisCacheClient, "get", wraps=down_cache._cache.get) as tried:
        down_cache.get("page")
    assert tried.call_count == 1


def test_other_redis_errors_are_not_hidden(down_cache):
    with (
        mock.patch.object(RedisCacheClient, "get", side_effect=ValueError("bad value")),
        pytest.raises(ValueError),
    ):
        down_cache.get("page")


# -- emptying a cache in a Redis database others use too ---------------------


@pytest.fixture
def shared_redis(settings):
    """The suite's Redis (REDIS_URL, else BORROWED_REDIS) with a key of
    someone else's in it: another suite's, no prefix of this run."""
    location = settings.CACHES["default"].get("LOCATION", BORROWED_REDIS)
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        location = BORROWED_REDIS
    client = redis.Redis.from_url(location)
    foreign = f"another-suite:{uuid.uuid4().hex}"
    client.set(foreign, "theirs")
    yield location, client, foreign
    client.delete(foreign)


def test_emptying_the_caches_between_tests_keeps_other_keys_in_redis(settings, shared_redis):
    """What the root conftest.py does around every test: this run's keys go,
    a key of another suite in the same database stays, also with a plain
    RedisCache configured (whose clear() is FLUSHDB)."""
    location, client, foreign = shared_redis
    settings.CACHES = {
        "default": {
            "BACKEND": "articles.cache.FailSoftRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"{TEST_RUN_PREFIX}:site",
        },
        "plain": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location},
    }
    caches["default"].set("page", "html", 60)
    assert caches["default"].get("page") == "html"
    empty_caches()
    assert caches["default"].get("page") is None
    assert client.get(foreign) == b"theirs"


def test_the_site_cache_clear_deletes_its_own_prefix_only(shared_redis):
    location, client, foreign = shared_redis
    prefix = f"{TEST_RUN_PREFIX}:clear-{uuid.uuid4().hex[:6]}"
    backend = FailSoftRedisCache(location, {"KEY_PREFIX": prefix})
    neighbour = FailSoftRedisCache(location, {"KEY_PREFIX": f"{prefix}x"})  # a longer prefix
    for n in range(3):
        backend.set(f"fragment{n}", n, 60)
    neighbour.set("fragment0", "kept", 60)
    backend.clear()
    assert [backend.get(f"fragment{n}") for n in range(3)] == [None, None, None]
    assert neighbour.get("fragment0") == "kept"
    assert client.get(foreign) == b"theirs"
    neighbour.clear()


def test_every_test_run_has_a_key_prefix_of_its_own(settings):
    for options in settings.CACHES.values():
        assert options["KEY_PREFIX"].startswith(f"{TEST_RUN_PREFIX}:")
    assert settings.READS_KEY_PREFIX.startswith(f"{TEST_RUN_PREFIX}:")
    assert len(TEST_RUN_PREFIX) == len("test-") + 10


def test_a_scan_pattern_matches_a_prefix_literally():
    assert glob_escape("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\"


def test_cache_calls_share_one_redis_client(shared_redis):
    # Django's client builds a redis.Redis for every call (about 200 us of
    # CPU each, some 15 times a page): ours keeps one per connection pool.
    location, _, _ = shared_redis
    backend = FailSoftRedisCache(location, {"KEY_PREFIX": f"{TEST_RUN_PREFIX}:clients"})
    with mock.patch.object(
        redis.Redis, "__init__", autospec=True, side_effect=redis.Redis.__init__
    ) as built:
        for n in range(10):
            backend.set(f"k{n}", n, 60)
            assert backend.get(f"k{n}") == n
        backend.delete_many([f"k{n}" for n in range(10)])
    assert built.call_count == 1
