"""The content version: one number that goes up whenever anything a page
shows changes.

Every cached page (pagecache/), cached article, fragment and comment list is
keyed on the version it was built with, so bumping it makes all of them
stale at once, in every process, whatever cache backend they share. The
version lives in the database (`ContentVersion`, one row); each process
re-reads it every PAGE_CACHE_VERSION_SECONDS. The row also holds the next
time a scheduled article goes live; passing that time bumps the version too.

Visible comments change one article page only: instead of a bump, they
stamp the article (`comments_changed_at`), and each process reads the stamps
incrementally with the version. A process keeps only the stamps of the last
`stamp_window()` seconds, longer than any cached page lives: an older stamp
can no longer tell a fresh page from a stale one, so every process reads it
as 0. Start-up and memory therefore do not grow with the number of articles.

The one way to bump is `bump()`; `content_changed()` calls it when the
surrounding transaction commits.
"""

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from .models import Article, ContentVersion

logger = logging.getLogger(__name__)

# Longer than a writer can wait for the SQLite write lock (20 s).
STAMP_OVERLAP = timedelta(seconds=60)


def stamp_window() -> timedelta:
    """How long a comment stamp matters: longer than a cached page can live
    (in the shared cache, then in a process's own copy), with room for a
    late commit."""
    lives = settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_LOCAL_SECONDS
    return timedelta(seconds=lives) + STAMP_OVERLAP


def bump(using="default"):
    """A new content version, with the next publish time computed afresh.
    Returns the row's (version, next_publish_at). Every process drops what
    it cached within PAGE_CACHE_VERSION_SECONDS; this one at once."""
    next_at = Article.objects.using(using).scheduled().aggregate(next=Min("published_at"))["next"]
    rows = ContentVersion.objects.using(using).filter(pk=1)
    if not rows.update(version=F("version") + 1, next_publish_at=next_at):
        ContentVersion.objects.using(using).get_or_create(
            pk=1, defaults={"next_publish_at": next_at}
        )
    version.forget()
    return rows.values_list("version", "next_publish_at").get()


class _Version:
    """This process's view of the content version and the comment stamps."""

    def __init__(self):
        self._lock = threading.Lock()
        self._value = None
        self._next_publish = None  # a POSIX timestamp, or None
        self._checked = 0.0
        self._stamps = {}
        self._stamps_since = None

    def current(self) -> int:
        now = time.monotonic()
        every = settings.PAGE_CACHE_VERSION_SECONDS
        if self._value is None or now - self._checked >= every:
            with self._lock:
                if self._value is None or now - self._checked >= every:
                    try:
                        self._load()
                    except DatabaseError:
                        if self._value is None:
                            raise
                        # The database is down: keep the version last read,
                        # so pages cached under it are still served (nothing
                        # can change meanwhile); try again next interval.
                        logger.warning(
                            "Could not read the content version; keeping %s", self._value
                        )
                        connection.close()
                    self._checked = now
        if self._next_publish is not None and time.time() >= self._next_publish:
            # A scheduled article has gone live: every list may show it now.
            with self._lock:
                if self._next_publish is not None and time.time() >= self._next_publish:
                    self._remember(bump())
                    if self._next_publish is not None and self._next_publish <= time.time():
                        # The database still calls a past time "to come" (its
                        # clock or a row written by hand): one bump, not one
                        # per request, until the next reload says otherwise.
                        self._next_publish = None
        return self._value

    def _load(self):
        row = ContentVersion.objects.filter(pk=1).values_list("version", "next_publish_at").first()
        self._remember(row or bump())
        horizon = timezone.now() - stamp_window()
        since = horizon
        if self._stamps_since is not None:
            # A stamp is the writer's clock before its UPDATE waited for the
            # write lock: it can commit after a later stamp was read.
            since = max(horizon, self._stamps_since - STAMP_OVERLAP)
        changed = Article.objects.filter(comments_changed_at__gte=since).order_by()
        for pk, moment in changed.values_list("pk", "comments_changed_at"):
            self._stamps[pk] = moment.timestamp()
            if self._stamps_since is None or moment > self._stamps_since:
                self._stamps_since = moment
        oldest = horizon.timestamp()
        if any(stamp < oldest for stamp in self._stamps.values()):
            self._stamps = {pk: stamp for pk, stamp in self._stamps.items() if stamp >= oldest}

    def article_stamp(self, article_id) -> float:
        """When the visible comments of an article last changed (0: never)."""
        self.current()
        return self._stamps.get(article_id, 0.0)

    def _remember(self, row):
        value, next_publish_at = row
        self._value = value
        self._next_publish = next_publish_at.timestamp() if next_publish_at else None

    def forget(self):
        """Read the version again on the next call (after a bump)."""
        self._value = None


version = _Version()


def request_version(request) -> int:
    """The content version a request works with, read once, when it starts.
    Whatever the request caches is keyed on it; data read from the cache
    under an older version is then never stored under a newer one."""
    try:
        return request.content_version
    except AttributeError:
        request.content_version = version.current()
        return request.content_version


_deferred = threading.local()


@contextmanager
def one_bump_at_the_end():
    """Inside this block content_changed() does nothing; one bump follows
    it. For a command writing thousands of articles (an import), where a
    bump per article would be a write per article for nothing."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        if not _deferred.depth:
            bump()


def content_changed():
    """Call after any change that a cached page may show. Takes effect when
    the surrounding transaction commits, once per commit: saving an article
    with its tags in the admin sends a dozen signals, and one bump is enough.
    """
    if getattr(_deferred, "depth", 0):
        return
    db = transaction.get_connection()
    seen = getattr(db, "content_commits", 0)

    def bump_once():
        # The first of this commit's callbacks bumps; the others see that.
        # (A rolled-back transaction runs none, so the count stays put.)
        if getattr(db, "content_commits", 0) == seen:
            db.content_commits = seen + 1
            bump()

    transaction.on_commit(bump_once)


def article_comments_changed(article_ids):
    """Call after the visible comments of these articles change: only their
    pages go stale, in every process within a second."""

    def stamp():
        Article.objects.filter(pk__in=list(article_ids)).update(comments_changed_at=timezone.now())
        version.forget()

    transaction.on_commit(stamp)
