"""The WSGI fast path: cached pages served before Django, and counted as reads."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.version import version
from pagecache import keys, wsgi
from pagecache.tests.client import call, stored_views

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_cache_without_queries(article):
    status, headers, first = call(article.get_absolute_url())
    assert status.startswith("200") and headers["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        status, headers, second = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "hit" and len(queries) == 0
    assert second == first
    assert headers["Content-Type"].startswith("text/html")
    assert headers["X-Frame-Options"] == "DENY"
    assert int(headers["Content-Length"]) == len(second.encode())


@pytest.mark.parametrize(
    "path", ["/", "/tbyy/", "/tags/选品/", "/sitemap/", "/feed/", "/sitemap.xml", "/robots.txt"]
)
def test_list_and_machine_pages_are_cached(article, path):
    article.tags.set(["选品"])
    call(path)
    assert call(path)[1]["X-Page-Cache"] == "hit"


def test_cache_hits_count_reads_like_the_view_does(article):
    for _ in range(3):
        call(article.get_absolute_url())  # 1 miss (counted by the view) + 2 hits
    call(article.get_absolute_url(), method="HEAD")
    call(article.get_absolute_url(), user_agent="Mozilla/5.0 (compatible; Baiduspider/2.0)")
    assert stored_views(article) == 3


def test_staff_always_get_fresh_pages(client, article):
    """Through the same WSGI fast path as readers, with a real session."""
    path = article.get_absolute_url()
    call(path)
    assert call(path)[1]["X-Page-Cache"] == "hit"
    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    Article.objects.filter(pk=article.pk).update(title="只改了数据库")
    _status, headers, body = call(path, cookie=session)
    assert "只改了数据库" in body
    assert "X-Page-Cache" not in headers


def test_a_lost_cache_entry_only_means_a_miss(article):
    from django.core.cache import caches

    call(article.get_absolute_url())
    for each in caches.all(initialized_only=True):  # with Redis, the local copies too
        each.clear()
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "miss"


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def test_with_a_shared_cache_each_process_reuses_its_own_copy(article, settings):
    """With Redis, a hit is served from the process's own short-lived copy
    (no round trip), checked against the content version like the shared
    entry: a change still makes the page fresh at once."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "shared-stand-in"},
        "local-pages": {"BACKEND": LOCMEM, "LOCATION": "local-pages-test"},
    }
    caches["local-pages"].clear()
    path = article.get_absolute_url()
    assert call(path)[1]["X-Page-Cache"] == "miss"
    caches["default"].clear()  # the shared copy is gone; the process's own is not
    assert call(path)[1]["X-Page-Cache"] == "hit"
    assert stored_views(article) == 2  # a hit from the local copy is a read too
    from articles.version import bump

    bump()
    assert call(path)[1]["X-Page-Cache"] == "miss"
    caches["local-pages"].clear()


def test_a_failed_lookup_closes_the_connection_and_django_answers(article):
    """A database gone away under the fast path (the version is read from
    it): the broken connection is closed, so the next request opens a new
    one, and this request is answered by Django."""
    from django.db import OperationalError

    path = article.get_absolute_url()
    call(path)
    with (
        # The entry is found; reading the version to check it fails.
        mock.patch("pagecache.wsgi._fresh", side_effect=OperationalError("gone")),
        mock.patch("pagecache.wsgi.connection") as fast_path_connection,
    ):
        status, headers, body = call(path)
    fast_path_connection.close.assert_called_once_with()
    assert status == "200 OK" and headers.get("X-Page-Cache") != "hit"
    assert "缓存测试" in body


# -- wsgi.py piece by piece ---------------------------------------------------


def entry(article_id=None, stamp=0.0, body=b"<p>cached</p>", rendered_with=None):
    if rendered_with is None:
        rendered_with = version.current()
    return (rendered_with, stamp, 200, [("Content-Type", "text/html")], body, article_id)


def test_an_entry_is_fresh_while_its_version_and_its_article_s_stamp_hold(article):
    assert wsgi._fresh(None) is False
    assert wsgi._fresh(entry()) is True
    assert wsgi._fresh(entry(rendered_with=version.current() - 1)) is False
    before = version.article_stamp(article.pk)
    assert wsgi._fresh(entry(article.pk, stamp=before)) is True
    assert wsgi._fresh(entry(article.pk, stamp=before + 12.5)) is False
    Article.objects.filter(pk=article.pk).update(comments_changed_at=timezone.now())
    version.forget()
    stamp = version.article_stamp(article.pk)
    assert stamp > before
    assert wsgi._fresh(entry(article.pk, stamp=stamp)) is True
    assert wsgi._fresh(entry(article.pk, stamp=before)) is False
    assert wsgi._fresh(entry(None, stamp=0.0)) is True  # list pages carry no stamp


def test_a_head_hit_sends_the_headers_and_the_length_without_the_body(article):
    path = article.get_absolute_url()
    _status, _headers, body = call(path)
    status, headers, head_body = call(path, method="HEAD")
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert head_body == "" and int(headers["Content-Length"]) == len(body.encode())


def test_a_hit_of_a_list_page_is_no_read_and_a_crawler_s_hit_neither(article, monkeypatch):
    added = []
    monkeypatch.setattr(wsgi.reads, "add", added.append)
    call("/tbyy/")
    assert call("/tbyy/")[1]["X-Page-Cache"] == "hit"
    assert added == []
    call(article.get_absolute_url())  # the miss: the view counts it
    crawler = "Mozilla/5.0 (compatible; Baiduspider/2.0)"
    assert call(article.get_absolute_url(), user_agent=crawler)[1]["X-Page-Cache"] == "hit"
    assert added == [article.pk]
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    assert added == [article.pk, article.pk]


def environ_of(path):
    return {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "http", "HTTP_HOST": "h", "PATH_INFO": path}


def test_the_shared_entry_is_copied_to_the_process_for_local_seconds(settings):
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "shared-stand-in-2"},
        "local-pages": {"BACKEND": LOCMEM, "LOCATION": "local-pages-wsgi-test"},
    }
    settings.PAGE_CACHE_LOCAL_SECONDS = 7
    local = caches["local-pages"]
    request = environ_of("/x/")
    key = keys.key(request)
    try:
        caches["default"].set(key, entry())
        with mock.patch.object(local, "set", wraps=local.set) as kept:
            assert wsgi._cached(request) == entry()
        kept.assert_called_once_with(key, entry(), 7)
        # a stale copy of the process is passed over for the fresh shared entry
        local.set(key, entry(body=b"old", rendered_with=version.current() - 1))
        caches["default"].set(key, entry(body=b"new"))
        assert wsgi._cached(request)[4] == b"new"
        assert local.get(key)[4] == b"new"
    finally:
        local.clear()
        caches["default"].clear()


def test_without_a_shared_cache_there_is_no_local_copy(settings):
    # The local-memory cache alone, as without REDIS_URL (the suite also
    # runs with Redis, where settings add the local copies).
    settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": "no-local-copy"}}
    assert wsgi.local_pages() is None
    request = environ_of("/y/")
    assert wsgi._cached(request) is None  # nothing stored
    cache.set(keys.key(request), entry(rendered_with=version.current() - 1))
    assert wsgi._cached(request) is None  # stale
    cache.set(keys.key(request), entry())
    assert wsgi._cached(request) == entry()


def test_a_failed_lookup_is_logged(article, caplog):
    with mock.patch("pagecache.wsgi.cache") as broken:
        broken.get.side_effect = ConnectionError("redis gone")
        assert wsgi._cached(environ_of("/z/")) is None
    [record] = [r for r in caplog.records if r.name == "pagecache.wsgi"]
    assert record.levelname == "ERROR" and record.exc_info
    assert record.getMessage() == "Page cache lookup failed"
