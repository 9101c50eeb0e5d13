"""The read counter: batched writes, nothing lost or counted twice."""

import os
import sqlite3
import subprocess
import sys
import threading
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
