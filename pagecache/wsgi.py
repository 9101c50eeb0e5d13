"""Answers cached pages before Django builds a request.

`wsgi_fast_path` wraps Django's WSGI app (forum/wsgi.py): a cacheable
request whose entry is still current is answered with one cache read; an
article page also with one query by primary key, which gives its current
read count and tells whether the article changed since the page was
rendered (pagecache/entries.py). With Redis, each process first looks in
its own copies of the pages it served in the last PAGE_CACHE_LOCAL_SECONDS
(no round trip). Anything else, or any failure, goes to Django.

An article page rendered under an older content version (another article
changed: its 相关文章 or sidebars may be out of date), or rendered more than
PAGE_REFRESH_AFTER_SECONDS ago (the 热门内容 counts), is still served, and
is rendered again in the background (pagecache/refresh.py).
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection

from articles import metrics
from articles.health import HEALTH_PATHS, wsgi_answer
from articles.pages import article_state
from articles.reads import is_reader, reads
from articles.version import version

from . import keys
from .entries import page_store
from .refresh import Refresher

logger = logging.getLogger(__name__)

STATUS_LINES = {200: "200 OK"}
GONE = object()  # the article is no longer public


def local_pages():
    """This process's own short-lived copies of cached pages, when the
    shared cache is another server (Redis); None with the local cache."""
    return caches["local-pages"] if "local-pages" in settings.CACHES else None


def usable(entry):
    """Whether an entry may answer: an ordinary page while its content
    version holds; an article page while its generation holds (its article
    is checked next)."""
    if entry is None:
        return False
    if entry.row is not None:
        return entry.pages == version.pages()
    return entry.version == version.current()


def _cached(environ):
    try:
        key = keys.key(environ)
        local = local_pages()
        if local is not None:
            entry = local.get(key)
            if usable(entry):
                return entry
        entry = page_store().get(key)
        if usable(entry):
            if local is not None:
                local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
            return entry
    except Exception:  # a cache or database hiccup: let Django answer
        logger.exception("Page cache lookup failed")
        connection.close()
    return None


def _current_article(entry):
    """The article's current (views, row), GONE, or None when the database
    cannot say (then the page is served as it was rendered: nothing can
    change while the database is down)."""
    try:
        state = article_state(entry.article_id)
    except DatabaseError:
        connection.close()
        return None
    return GONE if state is None else state


def wsgi_fast_path(app):
    """`app` with cached pages answered in front of it."""
    refresher = Refresher(app)

    def application(environ, start_response):
        reads.keep_flushing()
        if environ.get("PATH_INFO") in HEALTH_PATHS:
            return wsgi_answer(environ["PATH_INFO"], start_response)
        if environ.get("PATH_INFO") == metrics.METRICS_PATH:
            return metrics.wsgi_answer(environ, start_response)
        if keys.eligible(environ):
            body = _answer(environ, refresher)
            if body is None:
                metrics.PAGE_CACHE_MISS.inc()
            else:
                metrics.PAGE_CACHE_HIT.inc()
                status, headers, body = body
                start_response(
                    STATUS_LINES[status],
                    [*headers, ("Content-Length", str(len(body))), ("X-Page-Cache", "hit")],
                )
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return app(environ, start_response)

    application.refresher = refresher
    return application


def _answer(environ, refresher):
    """(status, headers, body) of a cached page for this request, or None."""
    entry = _cached(environ)
    if entry is None:
        return None
    if entry.row is None:
        return entry.status, entry.headers, entry.body()
    state = _current_article(entry)
    if state is GONE or (state is not None and state[1] != entry.row):
        return None  # unpublished, deleted, edited or commented since
    if is_reader(environ):
        reads.add(entry.article_id)
    if state is None:
        return entry.status, entry.headers, entry.body()
    if (
        entry.version != version.current()
        or time.time() - entry.rendered_at > settings.PAGE_REFRESH_AFTER_SECONDS
    ):
        refresher.request(environ)  # what it shows around its article may be old
    return entry.status, entry.headers, entry.body(state[0] + reads.pending(entry.article_id))
