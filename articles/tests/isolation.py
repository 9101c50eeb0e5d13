"""The test run's own keys in Redis.

A test run shares its Redis database with whatever else uses it: another
suite on the same machine (CI's PostgreSQL pass uses db 15), a site. So
every key the run writes starts with TEST_RUN_PREFIX, unique to the run
(the caches' KEY_PREFIX and the pending reads' READS_KEY_PREFIX, set by
prefix_this_run() from the root conftest.py before any cache is used), and
emptying the caches between tests (empty_caches(), the root conftest.py)
deletes only those keys, SCAN + UNLINK, never FLUSHDB (Django's
RedisCache.clear)."""

import os
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test.signals import clear_cache_handlers

from articles.cache import UNREACHABLE, delete_matching, glob_escape

# Short: a read batch's Redis key, which starts with READS_KEY_PREFIX, is
# stored in ReadBatch.key (at most 100 characters).
TEST_RUN_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
# The Redis tests that run without REDIS_URL borrow this database of the
# machine's Redis: not CI's (db 15, its PostgreSQL pass) nor the bench's
# (db 10). TEST_REDIS_URL chooses another.
BORROWED_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def prefix_this_run():
    """Every configured cache's KEY_PREFIX and READS_KEY_PREFIX start with
    TEST_RUN_PREFIX."""
    for options in settings.CACHES.values():
        options["KEY_PREFIX"] = f"{TEST_RUN_PREFIX}:{options.get('KEY_PREFIX', '')}"
    settings.READS_KEY_PREFIX = f"{TEST_RUN_PREFIX}:{settings.READS_KEY_PREFIX}"
    clear_cache_handlers(setting="CACHES")


def empty_caches():
    """Every configured cache emptied of this run's keys: a Redis cache by
    the run's prefix (its database's other keys stay), the others whole."""
    for alias in settings.CACHES:
        backend = caches[alias]
        if not isinstance(backend, RedisCache):
            backend.clear()
            continue
        stand_in = getattr(backend, "stand_in", None)  # FailSoftRedisCache's
        if stand_in is not None:
            stand_in.clear()
        try:
            client = backend._cache.get_client(write=True)
            delete_matching(client, f"{glob_escape(TEST_RUN_PREFIX)}:*")
        except UNREACHABLE:
            pass  # a test's Redis that is down holds nothing of the run
