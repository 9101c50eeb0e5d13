"""The read counter with Redis (articles/reads_redis.py and the Redis path of
articles/reads.py), in both passes of the suite: on the machine's Redis
(BORROWED_REDIS, articles/tests/fixtures.py) when the suite runs without
REDIS_URL."""

import uuid
from collections import Counter

import pytest
import redis
from django.core.cache import caches
from django.db import IntegrityError, OperationalError

from articles import reads as reads_module
from articles import reads_redis
from articles.cache import CacheUnavailable
from articles.models import ReadBatch
from articles.reads import ReadCounter, reads
from articles.tests.factories import make_article
from articles.tests.isolation import BORROWED_REDIS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_cache(settings):
    """The site's Redis cache (the machine's Redis, BORROWED_REDIS, when the
    suite runs without REDIS_URL), and pending-read keys of this test's own
    (under the run's prefix), so that suites running side by side never
    take each other's reads."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "articles.cache.FailSoftRedisCache",
                "LOCATION": BORROWED_REDIS,
                "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"] + ":reads-test",
            },
        }
    settings.READS_KEY_PREFIX = f"{settings.READS_KEY_PREFIX}-{uuid.uuid4().hex[:8]}"
    yield
    caches["default"].clear()
    # The pending reads live outside the cache prefix (they outlive a deploy).
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    for key in client.scan_iter(match=f"{settings.READS_KEY_PREFIX}*"):
        client.delete(key)


def stored(article):
    article.refresh_from_db()
    return article.views


def take_a_batch(counter, name="dead"):
    """What a flush does first: the pending hash becomes a batch, which a
    process then dies holding."""
    keys = counter.keys
    store = reads_redis.shared_store()
    return store.run(
        lambda client: client.eval(
            reads_redis.TAKE_SCRIPT, 3, keys.pending, f"{keys.batch}{name}", keys.batches, 30
        )
    )


def test_with_redis_a_killed_process_takes_no_read_along(article):
    killed = ReadCounter()
    for _ in range(5):
        killed.add(article.pk)
    assert killed._pending == Counter()  # nothing waits in the process
    del killed  # SIGKILL: no flush, no finalizer
    survivor = ReadCounter()
    assert survivor.pending(article.pk) == 5
    assert survivor.flush() == 5
    assert stored(article) == 5
    assert survivor.flush() == 0 and stored(article) == 5


def test_with_redis_a_batch_whose_taker_died_is_written_once_by_another(article, monkeypatch):
    counter = ReadCounter()
    for _ in range(3):
        counter.add(article.pk)
    take_a_batch(counter)  # the taker dies before writing
    assert counter.pending(article.pk) == 3  # still shown
    assert counter.flush() == 0  # too young to be an orphan: its taker may be writing
    monkeypatch.setattr(reads_redis, "BATCH_ORPHAN_SECONDS", 0)
    counter.add(article.pk)
    assert counter.flush() == 4
    assert stored(article) == 4
    assert counter.flush() == 0 and stored(article) == 4


def test_with_redis_a_batch_written_but_not_deleted_is_not_counted_again(article, monkeypatch):
    counter = ReadCounter()
    for _ in range(3):
        counter.add(article.pk)
    # The taker wrote the batch and died before deleting it from Redis.
    monkeypatch.setattr(
        ReadCounter,
        "_write_shared_batch",
        lambda self, store, name: counter._write(Counter({article.pk: 3}), batch_key=name) and 0,
    )
    counter.flush()
    monkeypatch.undo()
    assert stored(article) == 3
    monkeypatch.setattr(reads_redis, "BATCH_ORPHAN_SECONDS", 0)
    assert counter.flush() == 3  # found written: dropped from Redis, not added again
    assert stored(article) == 3
    assert counter.pending(article.pk) == 0


def test_with_redis_down_reads_are_counted_in_memory_and_written(article):
    store = reads_redis.shared_store()
    store.breaker.open_until = float("inf")  # Redis unreachable
    try:
        counter = ReadCounter()
        counter.add(article.pk)
        counter.add(article.pk)
        assert counter._pending[article.pk] == 2
        assert counter.flush() == 2
    finally:
        store.breaker.open_until = 0.0
    assert stored(article) == 2


def test_each_read_is_counted_for_its_own_article(article):
    read = make_article(views=0)
    counter = ReadCounter()
    for _ in range(3):
        counter.add(read.pk)
    assert (counter.pending(article.pk), counter.pending(read.pk)) == (0, 3)
    assert counter.flush() == 3
    assert (stored(article), stored(read)) == (0, 3)


def test_the_number_shown_adds_the_reads_in_memory_and_in_redis(article):
    counter = ReadCounter()
    store = reads_redis.shared_store()
    store.breaker.open_until = float("inf")  # Redis unreachable: counted in memory
    try:
        counter.add(article.pk)
        assert counter.pending(article.pk) == 1  # and asking Redis does not fail
    finally:
        store.breaker.open_until = 0.0
    counter.add(article.pk)  # Redis is back: counted there
    assert counter.pending(article.pk) == 2
    assert counter.flush() == 2 and stored(article) == 2


def test_a_batch_the_database_refuses_stays_in_redis_for_the_next_flush(article, monkeypatch):
    counter = ReadCounter()
    for _ in range(4):
        counter.add(article.pk)
    with monkeypatch.context() as broken:
        broken.setattr("articles.stats.record_reads", lambda batch: 1 / 0)
        assert counter.flush() == 0
    assert stored(article) == 0 and counter.pending(article.pk) == 4
    assert counter.flush() == 4
    assert stored(article) == 4
    assert counter.flush() == 0 and counter.pending(article.pk) == 0


def test_a_batch_taken_just_before_redis_went_away_is_written_when_it_returns(article, monkeypatch):
    counter = ReadCounter()
    for _ in range(2):
        counter.add(article.pk)

    def unreachable(store, name):
        raise CacheUnavailable("down")

    with monkeypatch.context() as broken:
        broken.setattr(reads_redis, "batch_counts", unreachable)
        assert counter.flush() == 0  # taken, not read back
    assert stored(article) == 0
    assert counter.flush() == 2  # this process remembers the batch it holds
    assert stored(article) == 2
    assert counter.flush() == 0 and stored(article) == 2


def test_a_clash_in_the_database_that_is_not_this_batch_keeps_the_batch(
    article, monkeypatch, caplog
):
    """An IntegrityError from the counts (not from the batch's own row,
    which means another process wrote it) must not drop the batch."""
    counter = ReadCounter()
    for _ in range(3):
        counter.add(article.pk)

    def clash(batch):
        raise IntegrityError("daily reads clash")

    with monkeypatch.context() as broken:
        broken.setattr("articles.stats.record_reads", clash)
        assert counter.flush() == 0
    assert stored(article) == 0 and not ReadBatch.objects.exists()
    (record,) = [r for r in caplog.records if r.name == "articles.reads"]
    assert record.getMessage() == "Could not write read counts; keeping them for the next flush"
    assert counter.flush() == 3 and stored(article) == 3


def test_a_clash_whose_check_fails_too_keeps_the_batch(article, monkeypatch, caplog):
    counter = ReadCounter()
    counter.add(article.pk)
    real_filter = ReadBatch.objects.filter

    def filter_failing_on_the_check(*args, **kwargs):
        if "key" in kwargs:
            raise OperationalError("the database went away")
        return real_filter(*args, **kwargs)

    def clash(batch):
        raise IntegrityError("clash")

    with monkeypatch.context() as broken:
        broken.setattr("articles.stats.record_reads", clash)
        broken.setattr(ReadBatch.objects, "filter", filter_failing_on_the_check)
        assert counter.flush() == 0
    assert [r.getMessage() for r in caplog.records if r.name == "articles.reads"] == [
        "Could not write read counts; keeping them for the next flush"
    ]
    assert counter.flush() == 1 and stored(article) == 1


def test_rows_of_batches_written_over_a_week_ago_are_dropped_with_the_next_batch(article):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = ReadBatch.objects.create(key="old")
    recent = ReadBatch.objects.create(key="recent")
    ReadBatch.objects.filter(pk=old.pk).update(written_at=now - timedelta(days=7, hours=1))
    ReadBatch.objects.filter(pk=recent.pk).update(written_at=now - timedelta(days=6, hours=23))
    counter = ReadCounter()
    counter.add(article.pk)
    assert counter.flush() == 1
    keys = set(ReadBatch.objects.values_list("key", flat=True))
    assert "old" not in keys and "recent" in keys and len(keys) == 2


def test_discarding_forgets_reads_waiting_and_batches_taken(article, monkeypatch):
    counter = ReadCounter()
    counter.add(article.pk)
    counter.add(article.pk)
    take_a_batch(counter)  # a batch whose taker died
    counter.add(article.pk)
    assert counter.pending(article.pk) == 3
    counter.discard_pending()
    assert counter.pending(article.pk) == 0
    monkeypatch.setattr(reads_redis, "BATCH_ORPHAN_SECONDS", 0)
    assert counter.flush() == 0
    assert stored(article) == 0


def test_a_forked_worker_counts_and_writes_through_redis(article, monkeypatch):
    # the process-wide counter, put back as it was after the test
    for name in ("_pending", "_timer", "_lock", "_own_batches"):
        monkeypatch.setattr(reads, name, getattr(reads, name))
    reads_module._start_afresh_in_child()  # what os.fork() runs in the child
    reads.add(article.pk)
    assert reads.pending(article.pk) == 1
    assert reads.flush() == 1 and stored(article) == 1


def test_the_keys_live_under_the_reads_prefix(settings):
    settings.READS_KEY_PREFIX = "site:reads"
    assert reads_redis.read_keys() == (
        "site:reads:pending",
        "site:reads:batches",
        "site:reads:batch:",
    )
    assert reads_redis.new_batch_name("abc") == "site:reads:batch:abc"


def test_a_batch_kept_after_a_refusal_is_not_overwritten_by_the_next_one(article, monkeypatch):
    counter = ReadCounter()
    for _ in range(4):
        counter.add(article.pk)
    with monkeypatch.context() as broken:
        broken.setattr("articles.stats.record_reads", lambda batch: 1 / 0)
        assert counter.flush() == 0  # the first batch waits in Redis
        counter.add(article.pk)
        counter.add(article.pk)
        assert counter.flush() == 0  # a second batch beside it
    assert counter.pending(article.pk) == 6
    assert counter.flush() == 6
    assert stored(article) == 6


def test_discarding_leaves_no_key_behind_even_with_several_batches(article, monkeypatch, settings):
    counter = ReadCounter()
    for n in range(3):
        counter.add(article.pk)
        take_a_batch(counter, f"dead-{n}")
    counter.add(article.pk)
    assert counter.pending(article.pk) == 4
    counter.discard_pending()
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    assert list(client.scan_iter(match=f"{settings.READS_KEY_PREFIX}*")) == []
    assert counter.pending(article.pk) == 0


def test_discarding_while_redis_is_unreachable_forgets_what_is_in_memory(article):
    counter = ReadCounter()
    store = reads_redis.shared_store()
    store.breaker.open_until = float("inf")
    try:
        counter.add(article.pk)
        counter.discard_pending()  # does not raise
        assert counter.pending(article.pk) == 0
    finally:
        store.breaker.open_until = 0.0


def test_the_total_waiting_counts_the_hash_and_the_batches_taken(article):
    other = make_article()
    counter = ReadCounter()
    counter.add(article.pk)
    counter.add(other.pk)
    take_a_batch(counter)  # two reads in a batch nobody wrote yet
    counter.add(article.pk)
    store = reads_redis.shared_store()
    assert reads_redis.total_pending(store) == 3
    assert counter.flush() == 1  # the young batch stays until its taker is presumed dead
    assert reads_redis.total_pending(store) == 2


def test_the_total_waiting_counts_every_batch_taken(article):
    counter = ReadCounter()
    for n in range(3):
        counter.add(article.pk)
        take_a_batch(counter, f"held-{n}")  # three batches nobody wrote yet
    counter.add(article.pk)
    assert reads_redis.total_pending(reads_redis.shared_store()) == 4
