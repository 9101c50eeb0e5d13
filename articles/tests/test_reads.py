"""The read counter: batched writes, nothing lost or counted twice."""

import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from articles import reads as reads_module
from articles import reads_redis
from articles.models import ArticleDailyReads
from articles.reads import ReadCounter, reads
from articles.tests.factories import make_article
from pagecache.tests.client import stored_views

pytestmark = pytest.mark.django_db


def run_site_python(code, database):
    """`code` in a Python process of its own with the site's settings, on a
    SQLite file of its own, with no timer flush before the process ends."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "forum.settings",
        "READ_FLUSH_SECONDS": "3600",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_reads_are_written_in_one_batch(article):
    other = make_article()
    counter = ReadCounter()
    for _ in range(5):
        counter.add(article.pk)
    counter.add(other.pk)
    article.refresh_from_db()
    assert article.views == 0 and counter.pending(article.pk) == 5
    with CaptureQueriesContext(connection) as queries:
        assert counter.flush() == 6
    updates = [q for q in queries if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(updates) == 2  # one per distinct amount, not one per read
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.views, other.views) == (5, 1)


def test_a_long_overdue_flush_happens_on_the_next_read(article, settings):
    """If the background thread falls behind, a reader's request writes."""
    settings.READ_FLUSH_SECONDS = 0.001
    counter = ReadCounter()
    counter._last_flush -= 1
    with mock.patch.object(ReadCounter, "_start_timer"):  # the thread is stuck
        counter.add(article.pk)
    article.refresh_from_db()
    assert article.views == 1


def test_no_read_is_lost_when_the_cache_is_cleared(article):
    reads.add(article.pk)
    cache.clear()
    assert stored_views(article) == 1


EXITING_PROCESS = """
import sqlite3
import sys
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from articles.models import Article, Category
from articles.reads import reads

category = Category.objects.create(name="分类", slug="cat")
article = Article.objects.create(title="t", body="<p>b</p>", category=category, status="published")
for _ in range(5):
    reads.add(article.pk)
print("id", article.pk)
sys.exit(0)  # a normal exit, nothing flushed by hand
"""


def test_reads_are_flushed_when_the_process_exits(tmp_path):
    database = tmp_path / "exiting.sqlite3"
    result = run_site_python(EXITING_PROCESS, database)
    assert result.returncode == 0, result.stderr[-2000:]
    article_id = int(result.stdout.split()[-1])
    with sqlite3.connect(database) as db:
        (views,) = db.execute(
            "SELECT views FROM articles_article WHERE id = ?", (article_id,)
        ).fetchone()
    assert views == 5


FORKED_WORKER = """
import multiprocessing
import django

django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
from articles.models import Article, Category
from articles.reads import reads

category = Category.objects.create(name="分类", slug="cat")
article = Article.objects.create(title="t", body="<p>b</p>", category=category, status="published")
connection.close()
reads.add(article.pk)  # the parent's own read, not to be written twice


def worker():
    for _ in range(7):
        reads.add(article.pk)


process = multiprocessing.get_context("fork").Process(target=worker)
process.start()
process.join()
reads.flush()
article.refresh_from_db()
print("views", article.views)
"""


def test_reads_in_a_forked_worker_are_written_when_it_exits(tmp_path):
    """What granian does: its workers are forked and leave through os._exit(),
    which skips atexit."""
    result = run_site_python(FORKED_WORKER, tmp_path / "forked.sqlite3")
    assert "views 8" in result.stdout, result.stderr[-2000:]


def test_a_failed_flush_keeps_the_counts(article):
    reads.add(article.pk)
    with mock.patch("django.db.models.query.QuerySet.update", side_effect=RuntimeError("down")):
        assert reads.flush() == 0
    assert reads.pending(article.pk) == 1
    assert stored_views(article) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_and_flushes_lose_nothing_and_double_nothing():
    article = make_article()
    counters = [ReadCounter(), ReadCounter()]  # two worker processes

    def reader(counter):
        try:
            for n in range(200):
                counter.add(article.pk)
                if n % 25 == 0:
                    counter.flush()
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(counters[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for counter in counters:
        counter.flush()
    article.refresh_from_db()
    assert article.views == 800


# From the mutation runs ------------------------------------------------------


INTERVAL = 10  # READ_FLUSH_SECONDS in these tests


class Clock:
    """Stands in for the `time` module of articles.reads: it moves only when
    a test moves it (or the counter sleeps on it)."""

    def __init__(self):
        self.now = 1000
        self.slept = []
        self.on_sleep = lambda: None

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        self.on_sleep()


class Threads:
    """Stands in for the `threading` module of articles.reads: real locks,
    and threads that are recorded when started but never run."""

    Lock = staticmethod(threading.Lock)

    def __init__(self):
        self.started = []

    def Thread(self, target=None, name=None, daemon=None):
        thread = SimpleNamespace(target=target, name=name, daemon=daemon)
        thread.start = lambda: self.started.append(thread)
        return thread


class TimerStopped(Exception):
    pass


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(reads_module, "time", clock)
    return clock


@pytest.fixture
def threads(monkeypatch):
    threads = Threads()
    monkeypatch.setattr(reads_module, "threading", threads)
    return threads


@pytest.fixture
def counter(settings, clock, threads):
    """The counter of one server process."""
    settings.READ_FLUSH_SECONDS = INTERVAL
    return ReadCounter()


def stored(article):
    article.refresh_from_db()
    return article.views


def test_reads_wait_in_memory_and_one_flush_writes_each_exactly_once(
    counter, django_assert_num_queries
):
    read, other, unread = make_article(views=40), make_article(views=0), make_article(views=7)
    with django_assert_num_queries(0):  # a page view never waits for the database
        for _ in range(3):
            counter.add(read.pk)
        counter.add(other.pk)
    assert [counter.pending(a.pk) for a in (read, other, unread)] == [3, 1, 0]
    assert stored(read) == 40

    assert counter.flush() == 4
    assert [stored(a) for a in (read, other, unread)] == [43, 1, 7]
    assert [counter.pending(a.pk) for a in (read, other, unread)] == [0, 0, 0]
    # the admin dashboard's reads of the day come with the same write
    daily = dict(ArticleDailyReads.objects.values_list("article_id", "views"))
    assert daily == {read.pk: 3, other.pk: 1}

    assert counter.flush() == 0  # nothing is written twice
    assert stored(read) == 43


def test_a_flush_with_nothing_to_write_touches_no_database(counter):
    with CaptureQueriesContext(connection) as queries:
        assert counter.flush() == 0
    assert queries.captured_queries == []


def test_a_batch_is_one_update_per_distinct_number_of_reads(counter):
    articles = [make_article(views=0) for _ in range(4)]
    for article, count in zip(articles, [2, 2, 5, 1]):
        for _ in range(count):
            counter.add(article.pk)
    with CaptureQueriesContext(connection) as queries:
        assert counter.flush() == 10
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(updates) == 3
    assert [stored(a) for a in articles] == [2, 2, 5, 1]


def test_a_failed_write_keeps_every_read_for_the_next_flush_and_logs_it(
    counter, monkeypatch, caplog
):
    article = make_article(views=0)
    counter.add(article.pk)
    counter.add(article.pk)
    with monkeypatch.context() as broken:
        # the daily totals fail after the article's count was raised: both or neither
        broken.setattr("articles.stats.record_reads", lambda batch: 1 / 0)
        assert counter.flush() == 0
    assert stored(article) == 0 and not ArticleDailyReads.objects.exists()
    assert counter.pending(article.pk) == 2
    (record,) = [r for r in caplog.records if r.name == "articles.reads"]
    assert record.levelname == "ERROR" and record.exc_info
    # the operator reading the log learns that nothing was lost yet
    assert record.getMessage() == "Could not write read counts; keeping them for the next flush"

    counter.add(article.pk)
    assert counter.flush() == 3
    assert stored(article) == 3


def test_a_read_writes_itself_only_when_the_timer_is_three_intervals_late(counter, clock):
    article = make_article(views=0)
    clock.now += 3 * INTERVAL - 1
    counter.add(article.pk)
    assert stored(article) == 0 and counter.pending(article.pk) == 1

    clock.now += 1  # three intervals since the last write
    counter.add(article.pk)
    assert stored(article) == 2 and counter.pending(article.pk) == 0

    clock.now += 3 * INTERVAL - 1  # counted from that write
    counter.add(article.pk)
    assert stored(article) == 2 and counter.pending(article.pk) == 1


@pytest.mark.parametrize("interval", [0.5, INTERVAL])
def test_the_first_read_starts_one_background_writer(counter, threads, settings, interval):
    settings.READ_FLUSH_SECONDS = interval
    article = make_article()
    counter.add(article.pk)
    counter.add(article.pk)
    (thread,) = threads.started
    # a daemon: a server that is stopping never waits for its endless loop
    assert thread.daemon is True
    assert thread.target == counter._run
    # what an operator sees in py-spy dump or a thread listing
    assert thread.name == "read-counter"


def test_the_background_writer_writes_every_interval_and_returns_its_connection(
    counter, threads, clock, monkeypatch
):
    closed = []
    monkeypatch.setattr(reads_module, "connection", SimpleNamespace(close=lambda: closed.append(1)))
    article = make_article(views=0)
    counter.add(article.pk)
    counter.add(article.pk)
    (thread,) = threads.started

    def second_sleep():
        if len(clock.slept) == 2:
            raise TimerStopped

    clock.on_sleep = second_sleep
    with pytest.raises(TimerStopped):
        thread.target()
    assert clock.slept == [INTERVAL, INTERVAL]
    assert stored(article) == 2
    assert closed == [1]  # once per write: a timer thread holds no connection between writes


def test_with_no_interval_every_read_is_written_at_once_and_no_thread_starts(
    counter, threads, settings
):
    settings.READ_FLUSH_SECONDS = 0
    article = make_article(views=0)
    counter.add(article.pk)
    assert stored(article) == 1
    assert threads.started == []


def test_a_forked_worker_starts_without_its_parents_reads_and_with_its_own_timer(
    settings, clock, threads, monkeypatch
):
    settings.READ_FLUSH_SECONDS = INTERVAL
    # the counter in memory (without Redis): what a forked child inherits
    monkeypatch.setattr(reads_redis, "shared_store", lambda: None)
    # the process-wide counter, put back as it was after the test
    monkeypatch.setattr(reads, "_pending", Counter())
    monkeypatch.setattr(reads, "_timer", None)
    monkeypatch.setattr(reads, "_lock", reads._lock)
    monkeypatch.setattr(reads, "_last_flush", clock.now)
    article = make_article(views=0)
    reads.add(article.pk)  # the parent's read: the parent writes it
    assert len(threads.started) == 1

    reads_module._start_afresh_in_child()  # what os.fork() runs in the child
    assert reads.pending(article.pk) == 0
    reads.add(article.pk)
    assert reads.pending(article.pk) == 1
    assert len(threads.started) == 2  # the parent's timer thread did not come along


def test_a_server_worker_writes_its_reads_when_multiprocessing_ends_it(counter, monkeypatch):
    """granian's workers leave through os._exit(), which skips atexit: the
    counter's flush is a multiprocessing finalizer, which runs before that."""
    registered = []

    def finalize(obj, callback, args=(), kwargs=None, exitpriority=None):
        registered.append((callback, exitpriority))

    monkeypatch.setattr(reads_module.multiprocessing.util, "Finalize", finalize)
    article = make_article(views=0)
    counter.add(article.pk)
    reads_module._flush_when_the_process_ends(counter)
    ((callback, exitpriority),) = registered
    assert exitpriority is not None  # without one it runs only if garbage-collected
    callback()
    assert stored(article) == 1


def test_a_clash_in_the_database_keeps_every_read_for_the_next_flush(counter, monkeypatch, caplog):
    article = make_article(views=0)
    counter.add(article.pk)

    def clash(batch):
        raise IntegrityError("daily reads clash")

    with monkeypatch.context() as broken:
        broken.setattr("articles.stats.record_reads", clash)
        assert counter.flush() == 0
    assert stored(article) == 0 and counter.pending(article.pk) == 1
    assert [r.getMessage() for r in caplog.records if r.name == "articles.reads"] == [
        "Could not write read counts; keeping them for the next flush"
    ]
    assert counter.flush() == 1 and stored(article) == 1


def test_every_request_makes_sure_one_background_writer_runs(counter, threads):
    """The fast path calls keep_flushing() on every request: with Redis, a
    process that counts nothing itself still writes what others left there."""
    counter.keep_flushing()
    assert len(threads.started) == 1
    counter.keep_flushing()
    counter.add(make_article().pk)
    assert len(threads.started) == 1


def memory_gauge():
    from articles.metrics import READS_IN_MEMORY

    return READS_IN_MEMORY._value.get()


def test_the_memory_gauge_is_emptied_by_discarding_and_in_a_forked_worker(counter, monkeypatch):
    monkeypatch.setattr(reads_redis, "shared_store", lambda: None)  # reads wait in memory
    article = make_article(views=0)
    for _ in range(3):
        counter.add(article.pk)
    assert memory_gauge() >= 3
    counter.discard_pending()
    assert memory_gauge() == 0
    counter.add(article.pk)
    for name in ("_pending", "_timer", "_lock", "_own_batches"):
        monkeypatch.setattr(reads, name, getattr(reads, name))
    reads_module._start_afresh_in_child()  # the child holds none of its parent's reads
    assert memory_gauge() == 0
