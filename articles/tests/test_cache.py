"""The Redis cache when Redis cannot be reached: no error, a local stand-in,
and Redis tried again only every RETRY_SECONDS (articles/cache.py). The
recovery against a real Redis is in faults/test_redis_down.py."""

import socket
from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCacheClient

from articles import cache as cache_module
from articles.cache import CacheUnavailable, FailSoftRedisCache


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
