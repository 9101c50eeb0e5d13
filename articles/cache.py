"""The shared cache (Redis) that survives an outage of Redis.

`FailSoftRedisCache` is Django's Redis backend with a circuit breaker: when
a command cannot reach Redis (connection refused, timeout), the breaker opens
for `RETRY_SECONDS` and every call in that time goes to a local-memory cache
of this process instead, without touching Redis. The first call after that
tries Redis again; when it answers, the breaker closes and the local stand-in
is emptied. So while Redis is down:

- page-cache and fragment reads miss and pages are rendered from the
  database (each process then caches them for itself, still keyed on the
  content version, so edits show as usual);
- the per-address counters (comment and captcha rate limits, search) count
  in each process on its own: limits are per process, not shared, until
  Redis returns;
- nothing raises, so no reader sees a 5xx because of the cache.

`run()` gives the read counter (articles/reads.py) the raw Redis client
behind the same breaker.

Only reaching Redis is treated as an outage; any other error (a bad
command, a value that is not a number) is raised as before.
"""

import logging
import re
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .locmem import SizeBoundedLocMemCache

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CacheUnavailable(Exception):
    """Redis cannot be reached now (or was not, a moment ago)."""


class Breaker:
    """Shared by every thread's backend instance for one Redis location:
    Django builds a backend per thread, the outage is the same for all."""

    def __init__(self, retry_seconds):
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self.open_until = 0.0  # time.monotonic() until which Redis is not tried
        self.failures = 0  # outages seen (for /readyz and the logs)

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, error):
        with self._lock:
            first = self.open_until == 0.0
            self.open_until = time.monotonic() + self.retry_seconds
            if first:
                self.failures += 1
        if first:
            logger.warning(
                "Redis unreachable (%s): serving without the shared cache, retrying every %g s",
                error,
                self.retry_seconds,
            )

    def reset(self) -> bool:
        """Closes the breaker; True when it had been tripped."""
        if self.open_until == 0.0:
            return False
        with self._lock:
            was_open, self.open_until = self.open_until != 0.0, 0.0
        if was_open:
            logger.warning("Redis reachable again: the shared cache is back")
        return was_open


def glob_escape(text):
    """`text` matched literally in a SCAN pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def delete_matching(client, pattern, *, batch=1000) -> int:
    """Deletes the keys matching a SCAN pattern, never the whole database
    (FLUSHDB): SCAN walks the keys a batch at a time (Redis stays
    responsive) and UNLINK frees their memory in the background. Returns
    how many were deleted."""
    deleted, keys = 0, []
    for key in client.scan_iter(match=pattern, count=batch):
        keys.append(key)
        if len(keys) >= batch:
            deleted += client.unlink(*keys)
            keys = []
    if keys:
        deleted += client.unlink(*keys)
    return deleted


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, retry_seconds) -> Breaker:
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = Breaker(retry_seconds)
        return _breakers[location]


def _guarded(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if self.breaker.is_open():
            return getattr(self.stand_in, name)(*args, **kwargs)
        try:
            result = redis_method(self, *args, **kwargs)
        except UNREACHABLE as error:
            self.breaker.trip(error)
            return getattr(self.stand_in, name)(*args, **kwargs)
        if self.breaker.open_until and self.breaker.reset():
            self.stand_in.clear()
        return result

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the local stand-in while Redis is unreachable."
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection
    pool: Django's builds a new one for every cache call, which copies the
    library's table of response callbacks (about 200 us of CPU, more than
    the round trip of a GET), about 15 times a page render. redis-py's
    clients are safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """Settings: the usual RedisCache ones, plus `RETRY_SECONDS` (how long
    the breaker stays open, default 2) and `STAND_IN_OPTIONS` (the local
    stand-in's MAX_ENTRIES and MAX_BYTES, articles/locmem.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        self.breaker = breaker_for(location, float(params.get("RETRY_SECONDS", 2)))
        self.stand_in = SizeBoundedLocMemCache(
            f"redis-stand-in:{location}",
            {
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "TIMEOUT": params.get("TIMEOUT", 300),
                "OPTIONS": params.get("STAND_IN_OPTIONS", {"MAX_ENTRIES": 5000}),
            },
        )

    def clear(self):
        """Deletes this site's keys only (those under the key prefix, which
        holds the code's fingerprint: this deploy's), not the whole Redis
        database (Django's RedisCache.clear is FLUSHDB): other data there
        (the pending reads, kept outside the prefix so they outlive a
        deploy; another site or test run sharing the database) stays. SCAN
        and UNLINK (delete_matching). Without a key prefix every key is
        this cache's."""
        self.stand_in.clear()
        if self.breaker.is_open():
            return
        try:
            client = self._cache.get_client(write=True)
            pattern = f"{glob_escape(self.key_prefix)}:*" if self.key_prefix else "*"
            delete_matching(client, pattern)
        except UNREACHABLE as error:
            self.breaker.trip(error)

    def run(self, command):
        """`command(client)` with the raw redis client, behind the breaker:
        raises CacheUnavailable instead of waiting on a Redis that is down."""
        if self.breaker.is_open():
            raise CacheUnavailable("Redis was unreachable a moment ago")
        try:
            result = command(self._cache.get_client(write=True))
        except UNREACHABLE as error:
            self.breaker.trip(error)
            raise CacheUnavailable(str(error)) from error
        if self.breaker.open_until and self.breaker.reset():
            self.stand_in.clear()
        return result

    def ping(self) -> bool:
        """Whether Redis answers now (ignores the breaker; for /readyz)."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE:
            return False
        return True


GUARDED = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
)
for _name in GUARDED:
    setattr(FailSoftRedisCache, _name, _guarded(_name))
