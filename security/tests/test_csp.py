"""The Content-Security-Policy: on every page, whether Django renders it
(a page-cache miss), the fast path answers it from the shared cache (a hit)
or from the process's own copy; no page has an inline script; and the
report endpoint logs violations, bounded, without failing on junk."""

import json
import logging
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from articles.tests.factories import make_article, make_category
from comments.models import Comment
from pagecache import wsgi
from pagecache.tests import client as fast

pytestmark = [pytest.mark.security, pytest.mark.django_db]

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
# Data blocks (structured data): never run, so no inline script.
DATA_TYPES = {"application/ld+json", "application/json"}


@pytest.fixture(autouse=True)
def _fast_path(monkeypatch):
    monkeypatch.setattr(fast, "app", wsgi.wsgi_fast_path(WSGIHandler()))


@pytest.fixture
def site():
    category = make_category(name="店铺运营", slug="dpyy")
    article = make_article(category=category, title="直通车出价", tags=["直通车"])
    make_article(category=category, title="主图优化", tags=["直通车"])
    Comment.objects.create(
        article=article,
        nickname="小王",
        body="写得清楚",
        ip="203.0.113.1",
        status=Comment.Status.APPROVED,
    )
    return article


def policy(headers):
    value = headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in value.split("; ")}


def assert_strict(headers):
    directives = policy(headers)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["report-uri"] == ["/csp-report/"]


def test_the_header_is_on_a_miss_a_hit_and_the_process_s_own_copy(site, settings):
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "csp-shared"},
        "local-pages": {"BACKEND": LOCMEM, "LOCATION": "csp-local"},
    }
    path = site.get_absolute_url()
    _, headers, _ = fast.call(path)
    assert headers["X-Page-Cache"] == "miss"
    assert_strict(headers)
    _, headers, _ = fast.call(path)
    assert headers["X-Page-Cache"] == "hit"  # the process's own copy
    assert_strict(headers)
    caches["local-pages"].clear()
    _, headers, _ = fast.call(path)
    assert headers["X-Page-Cache"] == "hit"  # the shared cache
    assert_strict(headers)
    caches["default"].clear()
    caches["local-pages"].clear()


@pytest.mark.parametrize("path", ["/", "/dpyy/", "/tags/直通车/", "/sitemap/", "/feed/"])
def test_the_header_is_on_every_cached_page_type(site, path):
    fast.call(path)
    _, headers, _ = fast.call(path)
    assert headers["X-Page-Cache"] == "hit"
    assert_strict(headers)


def test_uncached_pages_and_errors_carry_it_too(site):
    client = Client()
    for path in ("/search/?q=直通车", f"/comments/{site.pk}/all/", "/no-such-page/"):
        assert_strict(client.get(path))


def test_the_admin_allows_inline_styles_only(site):
    directives = policy(Client().get("/admin/login/"))
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src"] == ["'self'"]
    assert policy(Client().get("/"))["style-src"] == ["'self'"]


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_TYPES:
            self.inline.append(self.get_starttag_text())
        for name, value in attrs.items():
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(self.get_starttag_text())


def inline_scripts(html):
    parser = Scripts()
    parser.feed(html)
    return parser.inline


def page_types(site):
    return [
        "/",
        "/dpyy/",
        "/tags/直通车/",
        site.get_absolute_url(),
        "/sitemap/",
        "/sitemap/dpyy/",
        "/search/?q=直通车",
        "/search/?q=没有这个词",
        f"/comments/{site.pk}/all/",
        f"/comments/{site.pk}/",
        "/no-such-page/",
        "/admin/login/",
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{site.pk}/change/",
        "/admin/articles/article/add/",
        "/admin/comments/comment/",
    ]


def test_no_page_has_an_inline_script(site):
    reader, editor = Client(), Client()
    editor.force_login(
        get_user_model().objects.create_superuser("boss", password="x", email="b@example.com")
    )
    pages = {}
    for path in page_types(site):
        client = editor if path.startswith("/admin/") and path != "/admin/login/" else reader
        response = client.get(path)
        assert response.status_code in (200, 404), path
        pages[path] = inline_scripts(response.text)
    # The error pages rendered outside a view.
    for name in ("403_csrf.html", "500.html", "503.html"):
        request = RequestFactory().get("/")
        pages[name] = inline_scripts(render_to_string(name, request=request))
    assert {path: found for path, found in pages.items() if found} == {}


def test_the_check_sees_an_inline_script():
    assert inline_scripts("<p>x</p><script>alert(1)</script>") == ["<script>"]
    assert inline_scripts('<a href="javascript:alert(1)">x</a>') != []
    assert inline_scripts('<img src="x" onerror="alert(1)">') != []
    assert inline_scripts('<script src="/static/js/a.js"></script>') == []
    assert inline_scripts('<script type="application/ld+json">{}</script>') == []


def report(body, content_type="application/csp-report", ip="203.0.113.40"):
    return Client().generic("POST", "/csp-report/", body, content_type, REMOTE_ADDR=ip)


VIOLATION = {
    "csp-report": {
        "document-uri": "https://example.com/dpyy/1.html",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
        "script-sample": "alert(1)",
        "original-policy": "default-src 'self'" * 20,
    }
}


def test_a_violation_is_logged_as_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        response = report(json.dumps(VIOLATION))
    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "security.csp"]
    logged = json.loads(record.getMessage().removeprefix("CSP violation: "))
    assert logged["blocked-uri"] == "inline"
    assert logged["document-uri"] == "https://example.com/dpyy/1.html"
    assert "original-policy" not in logged


def test_a_reporting_api_batch_is_logged_too(caplog):
    batch = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://example.com/",
                "blockedURL": "https://evil.example/x.js",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        assert report(json.dumps(batch), "application/reports+json").status_code == 204
    assert "https://evil.example/x.js" in caplog.text


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b"{}",
        b'{"csp-report": "x"}',
        b"[1,2,3]",
        b"[" * 5000 + b"]" * 5000,
        b'"just a string"',
        b"null",
    ],
)
def test_junk_is_dropped_without_an_error_or_a_log_line(junk, caplog):
    with caplog.at_level(logging.INFO):
        response = report(junk)
    assert response.status_code == 204
    assert caplog.records == []


def test_a_long_field_is_cut_and_a_huge_body_refused(caplog):
    long = {"csp-report": {"blocked-uri": "x" * 5000}}
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        assert report(json.dumps(long)).status_code == 204
    assert len(caplog.records[-1].getMessage()) < 400
    assert report(b"{" + b" " * 20000 + b"}").status_code == 413


def test_an_address_sending_too_many_is_cut_off(settings, caplog):
    settings.CSP_REPORT_RATE_LIMIT = "3/60"
    with caplog.at_level(logging.WARNING, logger="security.csp"):
        codes = [report(json.dumps(VIOLATION)).status_code for _ in range(5)]
    assert codes == [204] * 5
    assert len(caplog.records) == 3  # no line for the dropped ones, not even Django's
    assert report(json.dumps(VIOLATION), ip="198.51.100.41").status_code == 204


def test_reports_need_no_csrf_token_and_only_post():
    csrf_client = Client(enforce_csrf_checks=True)
    body = json.dumps(VIOLATION)
    response = csrf_client.generic("POST", "/csp-report/", body, "application/csp-report")
    assert response.status_code == 204
    assert Client().get("/csp-report/").status_code == 405
