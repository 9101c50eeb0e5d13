"""The read counter ("阅读量") without a database write per page view.

Each process adds reads up in memory and writes them to the database in one
batch every READ_FLUSH_SECONDS (from a background thread; a request writes
only when that thread is three intervals late), and once more when the process
exits (atexit, and multiprocessing's finalizers in the workers that granian
forks, which leave through os._exit()). Each
batch is one `UPDATE ... SET views = views + n` per distinct n, so concurrent
processes never lose each other's counts. A failed flush puts its counts back.

The number a page shows is the stored count plus this process's unflushed
reads, so it is at most one flush interval behind.

What counts as a read is decided here too (`is_reader`), for both paths
that count: the article view and the page cache's WSGI fast path.
"""

import atexit
import logging
import multiprocessing.util
import os
import re
import threading
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

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

    @property
    def interval(self):
        return settings.READ_FLUSH_SECONDS

    def add(self, article_id: int) -> None:
        with self._lock:
            self._pending[article_id] += 1
        self._start_timer()
        # The timer thread writes in the background; a request writes only
        # when the timer is far behind (so a reader never waits on it).
        if time.monotonic() - self._last_flush >= 3 * self.interval:
            self.flush()

    def pending(self, article_id: int) -> int:
        with self._lock:
            return self._pending.get(article_id, 0)

    def flush(self) -> int:
        """Write the pending reads; returns how many were written."""
        from .models import Article
        from .stats import record_reads

        with self._lock:
            batch, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if not batch:
            return 0
        by_amount = defaultdict(list)
        for article_id, amount in batch.items():
            by_amount[amount].append(article_id)
        try:
            with transaction.atomic():
                for amount, ids in by_amount.items():
                    Article.objects.filter(pk__in=ids).update(views=F("views") + amount)
                record_reads(batch)  # per-day totals for the admin dashboard
        except Exception:
            logger.exception("Could not write read counts; keeping them for the next flush")
            with self._lock:
                self._pending.update(batch)
            return 0
        return sum(batch.values())

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
