"""Calls through the page cache's WSGI fast path, as a server makes them,
for the tests of the page cache, the content version and the read counter."""

import contextlib
import io
from wsgiref.util import setup_testing_defaults

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from articles.reads import reads
from pagecache.wsgi import wsgi_fast_path

READER_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
app = wsgi_fast_path(WSGIHandler())


def call(path, method="GET", query="", cookie="", user_agent=READER_UA, **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode().decode("latin-1"),  # as a WSGI server passes it
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_USER_AGENT": user_agent,
        "wsgi.input": io.BytesIO(b""),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    environ.update(extra)
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    with _connection_kept():
        body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body.decode()


def drain():
    """Render the pages the fast path asked to render again (refresh.py),
    as its background thread would; returns how many."""
    with _connection_kept():
        return app.refresher.drain()


@contextlib.contextmanager
def _connection_kept():
    # Like Django's test client: the request must not close the test's
    # database connection (it holds the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def stored_views(article):
    reads.flush()
    article.refresh_from_db()
    return article.views
