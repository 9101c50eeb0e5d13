"""The query log behind 热门搜索 and 相关搜索, kept cheaply.

A search adds its cleaned query to this process's counter in memory; a
background thread writes the counts every SEARCH_LOG_FLUSH_SECONDS (and
once more when the process exits) as one UPDATE per query and day
(`count = count + n`), inserting the rows that are new. A failed write puts
its counts back. 热门搜索 (the most searched queries of the last 30 days
that found something, less those editors hid) is read from the database
at most every few minutes and cached.
"""

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

logger = logging.getLogger(__name__)

POPULAR_DAYS = 30
POPULAR_CACHE_KEY = "search:popular"
POPULAR_CACHE_SECONDS = 300


class QueryLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending = Counter()
        self._results = {}
        self._timer = None

    def add(self, query: str, results: int) -> None:
        if not query:
            return
        with self._lock:
            self._pending[query] += 1
            self._results[query] = results
        self._start_timer()

    def flush(self) -> int:
        from .models import QueryDay

        with self._lock:
            batch, self._pending = self._pending, Counter()
            results, self._results = self._results, {}
        if not batch:
            return 0
        day = timezone.localdate()
        try:
            for query, amount in batch.items():
                found = results.get(query, 0)
                rows = QueryDay.objects.filter(query=query, day=day)
                if rows.update(count=F("count") + amount, results=found):
                    continue
                try:
                    with transaction.atomic():
                        QueryDay.objects.create(query=query, day=day, count=amount, results=found)
                except IntegrityError:  # another process inserted it meanwhile
                    rows.update(count=F("count") + amount, results=found)
        except Exception:
            logger.exception("Could not write the search log; keeping it for the next flush")
            with self._lock:
                self._pending.update(batch)
                self._results.update(results)
            return 0
        return sum(batch.values())

    def _start_timer(self):
        if self._timer is not None or settings.SEARCH_LOG_FLUSH_SECONDS <= 0:
            return
        with self._lock:
            if self._timer is None:
                self._timer = threading.Thread(target=self._run, name="search-log", daemon=True)
                self._timer.start()

    def _run(self):
        while True:
            time.sleep(settings.SEARCH_LOG_FLUSH_SECONDS)
            try:
                self.flush()
            finally:
                connection.close()


query_log = QueryLog()


@atexit.register
def _flush_on_exit():
    try:
        query_log.flush()
    except Exception:
        logger.exception("Could not write the search log at exit")


def popular_queries(limit=10):
    """[(query, count)] most searched in the last 30 days, found something,
    not hidden; cached for a few minutes."""
    rows = cache.get(POPULAR_CACHE_KEY)
    if rows is None:
        from .models import HiddenQuery, QueryDay

        since = timezone.localdate() - timedelta(days=POPULAR_DAYS)
        rows = list(
            QueryDay.objects.filter(day__gt=since, results__gt=0)
            .exclude(query__in=HiddenQuery.objects.values("query"))
            .values("query")
            .annotate(total=Sum("count"))
            .order_by("-total", "query")
            .values_list("query", "total")[:200]
        )
        cache.set(POPULAR_CACHE_KEY, rows, POPULAR_CACHE_SECONDS)
    return rows[:limit] if limit else rows


def forget_popular():
    cache.delete(POPULAR_CACHE_KEY)


def related_queries(query, vocabulary, limit=8):
    """Popular queries that share a word with this one (相关搜索)."""
    if not query:
        return []
    own = set(query.words)
    related = []
    for text, _total in popular_queries(limit=None):
        if text == query.text:
            continue
        words = set(vocabulary.query_words(text))
        if own & words:
            related.append(text)
        if len(related) >= limit:
            break
    return related
