"""The read counter ("阅读量") without a database write per page view.

Where pending reads wait:

- **With Redis** (REDIS_URL): in Redis, one `HINCRBY` on a hash per read, at
  request time (the keys and Lua scripts: articles/reads_redis.py). A process killed with SIGKILL (the OOM killer, a crash) holds
  none of them. Every READ_FLUSH_SECONDS, whichever process flushes takes the
  whole hash atomically (a Lua script renames it to a batch key and lists it
  in a sorted set of batches), writes it to the database and deletes it. The
  write inserts a `ReadBatch` row with the batch's key in the same
  transaction, so a batch is written exactly once even when its taker dies
  between the commit and the delete, or two processes write it at once: a
  batch still listed after BATCH_ORPHAN_SECONDS (its taker died) is written
  by the next flush of any process. What a Redis crash can lose is what
  Redis's own persistence loses (deploy/ turns on appendfsync everysec: about
  one second of reads).
- **Without Redis, or while it cannot be reached**: in this process's
  memory. A normal exit writes them (atexit, and multiprocessing's finalizers
  in the workers that granian forks, which leave through os._exit()); a
  process killed with SIGKILL loses the reads of its last flush interval at
  most (READ_FLUSH_SECONDS, 10 s by default).

Each batch is one `UPDATE ... SET views = views + n` per distinct n (from a
background thread; a request writes only when that thread is three
intervals late), so concurrent processes never lose each other's counts. A
failed write keeps its counts for the next flush.

The number a page shows is the stored count plus the pending reads (all of
Redis's, or this process's), so it is at most one flush interval behind.

What counts as a read is decided here too (`is_reader`), for both paths
that count: the article view and the page cache's WSGI fast path.
"""

import atexit
import contextlib
import logging
import multiprocessing.util
import os
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import reads_redis
from .cache import CacheUnavailable
from .metrics import READ_FLUSH_FAILURES, READS_IN_MEMORY

logger = logging.getLogger(__name__)

# User agents whose page views are not reads: search engines and scripts.
CRAWLER_RE = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|httpclient", re.I)


def is_reader(environ) -> bool:
    """Whether a request (its WSGI environ or Django's request.META) is a
    reader's page view: a GET (not HEAD) from something other than a crawler.
    Logged-in staff are left out by the article view, which knows the user."""
    return environ.get("REQUEST_METHOD") == "GET" and not CRAWLER_RE.search(
        environ.get("HTTP_USER_AGENT", "")
    )


class ReadCounter:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending = Counter()
        self._last_flush = time.monotonic()
        self._timer = None
        self._own_batches = []  # batches this process took and failed to write

    @property
    def interval(self):
        return settings.READ_FLUSH_SECONDS

    @property
    def keys(self):
        return reads_redis.read_keys()

    def add(self, article_id: int) -> None:
        if not self._add_shared(article_id):
            with self._lock:
                self._pending[article_id] += 1
            READS_IN_MEMORY.inc()
        self._start_timer()
        # The timer thread writes in the background; a request writes only
        # when the timer is far behind (so a reader never waits on it).
        if time.monotonic() - self._last_flush >= 3 * self.interval:
            self.flush()

    def _add_shared(self, article_id) -> bool:
        store = reads_redis.shared_store()
        if store is None:
            return False
        try:
            reads_redis.add(store, article_id)
        except CacheUnavailable:
            return False  # counted in memory meanwhile
        return True

    def pending(self, article_id: int) -> int:
        with self._lock:
            waiting = self._pending.get(article_id, 0)
        store = reads_redis.shared_store()
        if store is not None:
            with contextlib.suppress(CacheUnavailable):
                waiting += reads_redis.pending(store, article_id)
        return waiting

    def flush(self) -> int:
        """Write the pending reads; returns how many were written."""
        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if batch and not self._write(batch):
            with self._lock:
                self._pending.update(batch)
            batch = Counter()
        READS_IN_MEMORY.dec(sum(batch.values()))
        return sum(batch.values()) + self._flush_shared()

    def _write(self, batch, *, batch_key=None) -> bool:
        """One batch to the database, in one transaction; False on failure.
        With `batch_key`, a batch taken from Redis: written at most once."""
        from .models import Article, ReadBatch
        from .stats import record_reads

        by_amount = defaultdict(list)
        for article_id, amount in batch.items():
            by_amount[amount].append(article_id)
        try:
            with transaction.atomic():
                if batch_key is not None:
                    ReadBatch.objects.create(key=batch_key)
                    # Rows of batches written long ago only take room: a
                    # batch key is never taken twice (a new random key each time).
                    week_ago = timezone.now() - timedelta(days=7)
                    ReadBatch.objects.filter(written_at__lt=week_ago).delete()
                for amount, ids in by_amount.items():
                    Article.objects.filter(pk__in=ids).update(views=F("views") + amount)
                record_reads(batch)  # per-day totals for the admin dashboard
        except IntegrityError:
            with contextlib.suppress(Exception):
                if batch_key is not None and ReadBatch.objects.filter(key=batch_key).exists():
                    return True  # another process wrote this batch
            logger.exception("Could not write read counts; keeping them for the next flush")
            READ_FLUSH_FAILURES.inc()
            return False
        except Exception:
            logger.exception("Could not write read counts; keeping them for the next flush")
            READ_FLUSH_FAILURES.inc()
            return False
        return True

    def _flush_shared(self) -> int:
        store = reads_redis.shared_store()
        if store is None:
            return 0
        new_batch = reads_redis.new_batch_name(uuid.uuid4().hex)
        try:
            taken, orphans = reads_redis.take(store, new_batch)
        except CacheUnavailable:
            return 0  # Redis keeps them; the next flush after it returns writes them
        with self._lock:
            todo, self._own_batches = self._own_batches, []
        if taken:
            todo.append(new_batch)
        todo += orphans
        written = 0
        for name in dict.fromkeys(todo):
            try:
                written += self._write_shared_batch(store, name)
            except CacheUnavailable:
                with self._lock:
                    self._own_batches.append(name)
        return written

    def _write_shared_batch(self, store, name) -> int:
        batch = reads_redis.batch_counts(store, name)
        if batch and not self._write(batch, batch_key=name):
            with self._lock:
                self._own_batches.append(name)
            return 0
        reads_redis.drop_batch(store, name)
        return sum(batch.values())

    def discard_pending(self):
        """Forget every pending read, here and in Redis (for tests)."""
        with self._lock:
            self._pending.clear()
            self._own_batches = []
        READS_IN_MEMORY.set(0)
        store = reads_redis.shared_store()
        if store is not None:
            with contextlib.suppress(CacheUnavailable):
                reads_redis.discard(store)

    def keep_flushing(self):
        """Starts this process's background writer if it is not running.
        Called on every request (pagecache/wsgi.py): with Redis, a process
        that counts nothing itself still writes the reads other processes
        left in Redis (a killed worker's, before its replacement counts)."""
        if self._timer is None:
            self._start_timer()

    def _start_timer(self):
        if self._timer is not None or self.interval <= 0:
            return
        with self._lock:
            if self._timer is not None:
                return
            self._timer = threading.Thread(target=self._run, name="read-counter", daemon=True)
            self._timer.start()

    def _run(self):
        while True:
            time.sleep(self.interval)
            try:
                self.flush()
            finally:
                connection.close()


reads = ReadCounter()


def _flush_when_the_process_ends(counter):
    # Worker processes forked by a server (granian) leave through os._exit(),
    # which skips atexit; multiprocessing runs its finalizers before that.
    multiprocessing.util.Finalize(counter, counter.flush, exitpriority=100)


def _start_afresh_in_child():
    # A forked child starts with a copy of the parent's unflushed reads; the
    # parent writes those, so the child must not write them again.
    reads._lock = threading.Lock()
    reads._pending = Counter()
    READS_IN_MEMORY.set(0)
    reads._own_batches = []
    reads._timer = None


_flush_when_the_process_ends(reads)
multiprocessing.util.register_after_fork(reads, _flush_when_the_process_ends)
os.register_at_fork(after_in_child=_start_afresh_in_child)


@atexit.register
def _flush_on_exit():
    try:
        reads.flush()
    except Exception:  # the interpreter is going away; say so and carry on
        logger.exception("Could not write read counts at exit")
