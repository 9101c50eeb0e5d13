"""REQUEST_LOG=json: one JSON line per request, fast-path hits included."""

import io
import json
import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler

from pagecache import wsgi
from pagecache.access_log import with_request_log
from pagecache.tests import client
from pagecache.tests.client import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(settings, monkeypatch):
    settings.REQUEST_LOG = "JSON"
    monkeypatch.setattr(client, "app", with_request_log(wsgi.wsgi_fast_path(WSGIHandler())))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("forum.requests")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_each_request_is_one_json_line_with_its_cache_outcome(lines, article):
    path = article.get_absolute_url()
    call(path)
    _, headers, _ = call(path, query="q=secret", HTTP_X_REQUEST_ID="from-nginx-1234")
    call(path)
    call("/no-such-page/")
    first, second, third, missing = lines()
    assert {k: first[k] for k in ("method", "path", "status", "cache")} == {
        "method": "GET",
        "path": path,
        "status": 200,
        "cache": "miss",
    }
    assert second["request_id"] == "from-nginx-1234" == headers["X-Request-ID"]
    assert second["cache"] is None  # an unknown query parameter: not page-cached
    assert third["cache"] == "hit" and len(third["request_id"]) == 32
    assert missing["status"] == 404 and missing["cache"] is None
    assert all(line["duration_ms"] >= 0 for line in lines())
    # No query string, address or user agent in the log.
    logged = json.dumps(lines())
    assert "secret" not in logged and "127.0.0.1" not in logged and "iPhone" not in logged


def test_a_made_up_request_id_is_replaced(lines):
    call("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    (line,) = lines()
    assert len(line["request_id"]) == 32


def test_no_lines_unless_configured(settings):
    settings.REQUEST_LOG = "OFF"
    app = object()
    assert with_request_log(app) is app
