"""Reads waiting in Redis, when the site has it (REDIS_URL): the keys, one
`HINCRBY` per read, and the Lua scripts that take the pending hash as a
batch atomically and count what still waits. When to flush and how a batch
is written exactly once is articles/reads.py's job.

Every function takes the FailSoftRedisCache and may raise CacheUnavailable
(Redis cannot be reached); the caller decides what to do then."""

from collections import Counter, namedtuple

from django.conf import settings
from django.core.cache import caches

from .cache import FailSoftRedisCache

# A batch still listed this long after it was taken lost its taker.
BATCH_ORPHAN_SECONDS = 30

# KEYS: the pending hash, the new batch's key, the sorted set of batches.
# ARGV: BATCH_ORPHAN_SECONDS. Takes the hash (if any) as the new batch and
# returns [taken (1/0), the batches older than ARGV[1] seconds...]. Redis's
# clock, so the servers' clocks do not matter.
TAKE_SCRIPT = """
local now = tonumber(redis.call('TIME')[1])
local taken = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('ZADD', KEYS[3], now, KEYS[2])
  taken = 1
end
local result = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[1]))
table.insert(result, 1, taken)
return result
"""

# KEYS: the pending hash, the sorted set of batches. ARGV: the article id.
# Its reads waiting in Redis: in the hash and in batches not yet written.
PENDING_SCRIPT = """
local n = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
for _, batch in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  n = n + tonumber(redis.call('HGET', batch, ARGV[1]) or '0')
end
return n
"""


# The Redis keys of the pending reads: the hash, the sorted set of batches
# and the prefix of a batch's key. Outside the cache's key prefix, which
# changes with every deploy: pending reads outlive a deploy.
ReadKeys = namedtuple("ReadKeys", "pending batches batch")


def shared_store():
    """The Redis cache backend when the site has one, else None."""
    backend = caches["default"]
    return backend if isinstance(backend, FailSoftRedisCache) else None


def read_keys() -> ReadKeys:
    prefix = settings.READS_KEY_PREFIX
    return ReadKeys(f"{prefix}:pending", f"{prefix}:batches", f"{prefix}:batch:")


def add(store, article_id) -> None:
    """One read of the article, counted in Redis."""
    pending_key = read_keys().pending
    store.run(lambda client: client.hincrby(pending_key, str(article_id), 1))


def pending(store, article_id) -> int:
    """The article's reads waiting in Redis (pending or in unwritten batches)."""
    keys = read_keys()
    return int(
        store.run(
            lambda client: client.eval(
                PENDING_SCRIPT, 2, keys.pending, keys.batches, str(article_id)
            )
        )
    )


def take(store, new_batch) -> tuple[bool, list[str]]:
    """Takes the pending hash as the batch `new_batch` (if anything waits);
    returns whether it did, and the batches whose takers died."""
    keys = read_keys()
    taken, *orphans = store.run(
        lambda client: client.eval(
            TAKE_SCRIPT, 3, keys.pending, new_batch, keys.batches, BATCH_ORPHAN_SECONDS
        )
    )
    return bool(taken), [name.decode() for name in orphans]  # the client gives bytes


def total_pending(store) -> int:
    """Every read waiting in Redis: in the hash and in the batches taken
    but not yet written (the metrics' forum_reads_pending_redis)."""
    keys = read_keys()

    def total(client):
        names = [keys.pending, *client.zrange(keys.batches, 0, -1)]
        pipe = client.pipeline()
        for name in names:
            pipe.hvals(name)
        return sum(int(value) for values in pipe.execute() for value in values)

    return store.run(total)


def new_batch_name(unique) -> str:
    return f"{read_keys().batch}{unique}"


def batch_counts(store, name) -> Counter:
    """{article id: reads} of a taken batch."""
    raw = store.run(lambda client: client.hgetall(name))
    return Counter({int(k): int(v) for k, v in raw.items()})


def drop_batch(store, name) -> None:
    """Forget a batch once it is written."""
    batches = read_keys().batches
    store.run(lambda client: client.pipeline().delete(name).zrem(batches, name).execute())


def discard(store) -> None:
    """Forget every read waiting in Redis (for tests)."""
    keys = read_keys()

    def discard_all(client):
        batches = client.zrange(keys.batches, 0, -1)
        client.delete(keys.pending, keys.batches, *batches)

    store.run(discard_all)
