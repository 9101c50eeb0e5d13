"""Article pages rendered again in the background after the content changed.

An article page is kept until its own article changes (pagecache/entries.py).
When something else changes (another article is published, a tag is
renamed), the content version moves and what the page shows around its
article (相关文章, 上一篇 / 下一篇, the sidebars) may be out of date. Dropping
every article page then would turn the next crawl into 100,000 renders; so
the fast path serves the page as it is and asks for it here. One thread per
process renders the pages asked for, through Django, as an anonymous
visitor that is not a reader (no read is counted), at most
PAGE_REFRESH_PER_SECOND a second and PAGE_REFRESH_QUEUE waiting; a page
asked for while the queue is full is asked for again at its next hit. The
middleware stores what Django renders; a page that no longer answers 200
(its category moved: now a redirect) is dropped from the store.

With PAGE_REFRESH_IN_BACKGROUND off (the tests), pages wait until `drain()`.
"""

import io
import logging
import os
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import connection

from . import keys
from .entries import page_store

logger = logging.getLogger(__name__)

# Not a reader (articles.reads.CRAWLER_RE): a refresh counts no read.
USER_AGENT = "Mozilla/5.0 (compatible; forum-page-refresh-bot)"
# What a render needs from the request that asked for it.
KEPT = ("PATH_INFO", "QUERY_STRING", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme")


def refresh_environ(environ):
    """A GET of the same page, by an anonymous visitor who is not a reader."""
    fresh = {name: environ[name] for name in KEPT if name in environ}
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and "HTTP_X_FORWARDED_PROTO" in environ:
        fresh["HTTP_X_FORWARDED_PROTO"] = environ["HTTP_X_FORWARDED_PROTO"]
    fresh.update(
        {
            "REQUEST_METHOD": "GET",
            "HTTP_USER_AGENT": USER_AGENT,
            "REMOTE_ADDR": "127.0.0.1",
            "SCRIPT_NAME": "",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
    )
    fresh.setdefault("wsgi.url_scheme", "http")
    return fresh


class Refresher:
    def __init__(self, app):
        self.app = app
        self._lock = threading.Lock()
        self._waiting = OrderedDict()  # key -> environ
        self._wake = threading.Event()
        self._thread = None
        self._pid = None

    def request(self, environ):
        """Ask for the page of this request to be rendered again."""
        key = keys.key(environ)
        with self._lock:
            if key in self._waiting or len(self._waiting) >= settings.PAGE_REFRESH_QUEUE:
                return
            self._waiting[key] = refresh_environ(environ)
        if settings.PAGE_REFRESH_IN_BACKGROUND:
            self._start()
            self._wake.set()

    def waiting(self):
        with self._lock:
            return len(self._waiting)

    def drain(self):
        """Render every page waiting, in this thread; returns how many."""
        done = 0
        while self._render_next():
            done += 1
        return done

    def _render_next(self):
        with self._lock:
            if not self._waiting:
                return False
            key, environ = self._waiting.popitem(last=False)
        self.render(key, environ)
        return True

    def render(self, key, environ):
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"] = status

        try:
            answer = self.app(environ, start_response)
            try:
                for _chunk in answer:
                    pass
            finally:
                if hasattr(answer, "close"):
                    answer.close()  # request_finished: Django closes the connection
            if not seen.get("status", "").startswith("200"):
                page_store().delete(key)
                if "local-pages" in settings.CACHES:  # and this process's copy
                    caches["local-pages"].delete(key)
        except Exception:
            logger.exception("Could not render %s again", environ.get("PATH_INFO"))

    def _start(self):
        pid = os.getpid()
        if self._thread is not None and self._pid == pid:
            return
        with self._lock:
            if self._thread is not None and self._pid == pid:
                return
            # a forked worker has none of its parent's threads
            self._pid = pid
            self._thread = threading.Thread(target=self._run, name="page-refresh", daemon=True)
            self._thread.start()

    def _run(self):
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._render_next():
                connection.close()
                time.sleep(1.0 / max(settings.PAGE_REFRESH_PER_SECOND, 0.001))
