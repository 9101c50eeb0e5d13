"""Answers cached pages before Django builds a request.

`wsgi_fast_path` wraps Django's WSGI app (forum/wsgi.py): a cacheable
request whose entry is still current is answered with one cache read, plus
the read counter for article pages. With Redis, each process first looks in
its own copies of the pages it served in the last PAGE_CACHE_LOCAL_SECONDS
(no round trip). Anything else, or any failure, goes to Django.
"""

import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from articles import metrics
from articles.health import HEALTH_PATHS, wsgi_answer
from articles.reads import is_reader, reads
from articles.version import version

from . import keys

logger = logging.getLogger(__name__)

STATUS_LINES = {200: "200 OK"}


def local_pages():
    """This process's own short-lived copies of cached pages, when the
    shared cache is another server (Redis); None with the local cache."""
    return caches["local-pages"] if "local-pages" in settings.CACHES else None


def _fresh(entry):
    if entry is None or entry[0] != version.current():
        return False
    article_id = entry[5]
    return article_id is None or entry[1] == version.article_stamp(article_id)


def _cached(environ):
    try:
        key = keys.key(environ)
        local = local_pages()
        if local is not None:
            entry = local.get(key)
            if _fresh(entry):
                return entry
        entry = cache.get(key)
        if _fresh(entry):
            if local is not None:
                local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
            return entry
    except Exception:  # a cache or database hiccup: let Django answer
        logger.exception("Page cache lookup failed")
        connection.close()
    return None


def wsgi_fast_path(app):
    """`app` with cached pages answered in front of it."""

    def application(environ, start_response):
        reads.keep_flushing()
        if environ.get("PATH_INFO") in HEALTH_PATHS:
            return wsgi_answer(environ["PATH_INFO"], start_response)
        if environ.get("PATH_INFO") == metrics.METRICS_PATH:
            return metrics.wsgi_answer(environ, start_response)
        if keys.eligible(environ):
            entry = _cached(environ)
            if entry is None:
                metrics.PAGE_CACHE_MISS.inc()
            else:
                metrics.PAGE_CACHE_HIT.inc()
                _, _, status, headers, body, article_id = entry
                if article_id is not None and is_reader(environ):
                    reads.add(article_id)
                start_response(
                    STATUS_LINES[status],
                    [*headers, ("Content-Length", str(len(body))), ("X-Page-Cache", "hit")],
                )
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return app(environ, start_response)

    return application
