"""The content version: one number that goes up whenever anything a page
shows changes.

Every cached page (pagecache/), cached article, fragment and comment list is
keyed on the version it was built with, so bumping it makes all of them
stale at once, in every process, whatever cache backend they share. The
version lives in the database (`ContentVersion`, one row); each process
re-reads it every PAGE_CACHE_VERSION_SECONDS. The row also holds the next
time a scheduled article goes live; passing that time bumps the version too.

Visible comments change one article page only: instead of a bump, they
stamp the article (`comments_changed_at`). A cached article page is checked
against that stamp, and the article's `updated_at`, in the one query that
also reads its count (pagecache/entries.py), so nothing per article is kept
in a process: start-up and memory do not grow with the number of articles.

The one way to bump is `bump()`; `content_changed()` calls it when the
surrounding transaction commits.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from .models import Article, ContentVersion

logger = logging.getLogger(__name__)


def bump(using="default", *, every_page=False):
    """A new content version, with the next publish time computed afresh.
    Returns the row's (version, next_publish_at, pages). Every process drops
    what it cached within PAGE_CACHE_VERSION_SECONDS; this one at once.
    Article pages are then rendered again as they are read (pagecache/);
    `every_page` drops them too, for changes the site cannot see (data
    changed outside it, a restore, a migration)."""
    next_at = Article.objects.using(using).scheduled().aggregate(next=Min("published_at"))["next"]
    rows = ContentVersion.objects.using(using).filter(pk=1)
    changes = {"version": F("version") + 1, "next_publish_at": next_at}
    if every_page:
        changes["pages"] = F("pages") + 1
    if not rows.update(**changes):
        ContentVersion.objects.using(using).get_or_create(
            pk=1, defaults={"next_publish_at": next_at}
        )
    version.forget()
    return rows.values_list(*ROW).get()


ROW = ("version", "next_publish_at", "pages")


class _Version:
    """This process's view of the content version and the comment stamps."""

    def __init__(self):
        self._lock = threading.Lock()
        self._value = None
        self._next_publish = None  # a POSIX timestamp, or None
        self._pages = None
        self._checked = 0.0

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
        row = ContentVersion.objects.filter(pk=1).values_list(*ROW).first()
        self._remember(row or bump())

    def pages(self) -> int:
        """The generation of article pages (see bump's `every_page`)."""
        self.current()
        return self._pages

    def _remember(self, row):
        value, next_publish_at, pages = row
        self._value = value
        self._pages = pages
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
    pages go stale, in every process at once (the page cache checks the
    stamp at each hit)."""

    def stamp():
        Article.objects.filter(pk__in=list(article_ids)).update(comments_changed_at=timezone.now())

    transaction.on_commit(stamp)
