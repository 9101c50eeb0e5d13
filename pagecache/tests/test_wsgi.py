"""The WSGI fast path: cached pages served before Django, and counted as reads."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import OperationalError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.reads import reads
from articles.tests.factories import make_article, make_category
from articles.version import bump, version
from pagecache import keys, wsgi
from pagecache.entries import make_entry, page_store
from pagecache.tests import client
from pagecache.tests.client import call, stored_views

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_cache_with_one_query_for_its_count(article):
    status, headers, first = call(article.get_absolute_url())
    assert status.startswith("200") and headers["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        status, headers, second = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "hit"
    # the article's count and whether it changed, by primary key
    [query] = queries.captured_queries
    assert "FROM articles_article WHERE id = " in query["sql"]
    assert second == first.replace("阅读量:1<", "阅读量:2<")
    assert headers["Content-Type"].startswith("text/html")
    assert headers["X-Frame-Options"] == "DENY"
    assert int(headers["Content-Length"]) == len(second.encode())


def test_a_list_page_is_served_without_queries(article):
    call("/tbyy/")
    with CaptureQueriesContext(connection) as queries:
        assert call("/tbyy/")[1]["X-Page-Cache"] == "hit"
    assert len(queries) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tbyy/",
        "/tags/选品/",
        "/sitemap/",
        "/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-articles.txt",
        "/robots.txt",
    ],
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
    (no round trip), checked like the shared entry: a change still makes
    the page fresh at once."""
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "shared-stand-in"},
        "local-pages": {"BACKEND": LOCMEM, "LOCATION": "local-pages-test"},
    }
    caches["local-pages"].clear()
    try:
        assert call("/tbyy/")[1]["X-Page-Cache"] == "miss"
        path = article.get_absolute_url()
        assert call(path)[1]["X-Page-Cache"] == "miss"
        caches["default"].clear()  # the shared copy is gone; the process's own is not
        assert call("/tbyy/")[1]["X-Page-Cache"] == "hit"
        assert call(path)[1]["X-Page-Cache"] == "hit"
        assert stored_views(article) == 2  # a hit from the local copy is a read too
        bump()
        assert call("/tbyy/")[1]["X-Page-Cache"] == "miss"
        Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
        assert call(path)[1]["X-Page-Cache"] == "miss"
    finally:
        caches["local-pages"].clear()


def test_a_failed_lookup_closes_the_connection_and_django_answers(article):
    """A database gone away under the fast path (the version is read from
    it): the broken connection is closed, so the next request opens a new
    one, and this request is answered by Django."""
    call("/tbyy/")
    with (
        # The entry is found; reading the version to check it fails.
        mock.patch("pagecache.wsgi.usable", side_effect=OperationalError("gone")),
        mock.patch("pagecache.wsgi.connection") as fast_path_connection,
    ):
        status, headers, body = call("/tbyy/")
    fast_path_connection.close.assert_called_once_with()
    assert status == "200 OK" and headers.get("X-Page-Cache") != "hit"
    assert "缓存测试" in body


def test_with_the_database_down_an_article_page_is_served_as_rendered(article):
    """Nothing can change while the database is down: the page is served
    with the count it was rendered with, and the read is still counted."""
    path = article.get_absolute_url()
    _status, _headers, rendered = call(path)
    with (
        mock.patch("pagecache.wsgi.article_state", side_effect=OperationalError("gone")),
        mock.patch("pagecache.wsgi.connection") as fast_path_connection,
    ):
        status, headers, body = call(path)
    fast_path_connection.close.assert_called_once_with()
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert body == rendered
    assert stored_views(article) == 2


# -- article pages kept until their article changes ---------------------------


def shown_count(body):
    return int(re.search(r'<span class="views">阅读量:(\d+)</span>', body).group(1))


def test_each_hit_shows_the_current_count(article):
    Article.objects.filter(pk=article.pk).update(views=40)
    path = article.get_absolute_url()
    counts = [shown_count(call(path)[2]) for _ in range(4)]
    assert counts == [41, 42, 43, 44]  # the miss, then three hits
    reads.flush()
    Article.objects.filter(pk=article.pk).update(views=F("views") + 100)  # another process's
    assert shown_count(call(path)[2]) == 145
    crawler = "Mozilla/5.0 (compatible; Baiduspider/2.0)"
    assert shown_count(call(path, user_agent=crawler)[2]) == 145  # not a read


def test_new_visible_comments_make_the_page_fresh_without_a_bump(article):
    path = article.get_absolute_url()
    call(path)
    assert call(path)[1]["X-Page-Cache"] == "hit"
    before = version.current()
    Article.objects.filter(pk=article.pk).update(comments_changed_at=timezone.now())
    assert call(path)[1]["X-Page-Cache"] == "miss"
    assert version.current() == before  # no bump: the article's row told
    assert call(path)[1]["X-Page-Cache"] == "hit"


def test_an_edit_makes_the_page_fresh_at_once(article, django_capture_on_commit_callbacks):
    path = article.get_absolute_url()
    call(path)
    article.title = "改过的标题"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()  # a new updated_at (and a bump, which alone would not do)
    _status, headers, body = call(path)
    assert headers["X-Page-Cache"] == "miss" and "改过的标题" in body
    assert call(path)[1]["X-Page-Cache"] == "hit"


def test_a_page_rendered_before_an_edit_is_never_served_after_it(article):
    """Only the row: the page cache alone, with the version unchanged."""
    path = article.get_absolute_url()
    call(path)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    assert call(path)[1]["X-Page-Cache"] == "miss"


def test_an_article_no_longer_public_is_never_served_from_the_cache(article):
    path = article.get_absolute_url()
    call(path)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    status, headers, _body = call(path)
    assert status.startswith("404") and headers.get("X-Page-Cache") != "hit"
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    call(path)
    Article.objects.filter(pk=article.pk).delete()
    assert call(path)[0].startswith("404")


def key_of(path):
    return keys.key({"wsgi.url_scheme": "http", "HTTP_HOST": "testserver", "PATH_INFO": path})


def test_after_another_change_the_page_is_served_and_rendered_again_in_the_background(
    article, category
):
    article.tags.set(["选品"])
    path = article.get_absolute_url()
    call(path)
    refresher = client.app.refresher
    make_article(category=category, title="同类新文章", tags=["选品"])
    bump()  # as when the new article's transaction commits
    _status, headers, body = call(path)
    assert headers["X-Page-Cache"] == "hit"  # served as it was
    assert "同类新文章" not in body
    assert refresher.waiting() == 1
    call(path)
    assert refresher.waiting() == 1  # asked for once
    before = stored_views(article)
    assert client.drain() == 1
    assert stored_views(article) == before  # the render was no read
    _status, headers, body = call(path)
    assert headers["X-Page-Cache"] == "hit" and refresher.waiting() == 0
    assert "同类新文章" in body  # 相关文章 as it is now
    assert page_store().get(key_of(path)).version == version.current()


def test_a_page_that_moved_is_dropped_when_rendered_again(article):
    path = article.get_absolute_url()
    call(path)
    moved = make_category(name="新栏目", slug="xinlanmu")
    Article.objects.filter(pk=article.pk).update(category=moved)  # no bump, no new updated_at
    bump()
    assert call(path)[1]["X-Page-Cache"] == "hit"
    client.drain()
    assert page_store().get(key_of(path)) is None
    assert call(path)[0].startswith("301")


def test_the_queue_is_bounded(article, settings):
    settings.PAGE_REFRESH_QUEUE = 1
    refresher = client.app.refresher
    refresher.request(environ_of("/a/1.html"))
    refresher.request(environ_of("/a/2.html"))
    assert refresher.waiting() == 1


# -- wsgi.py piece by piece ---------------------------------------------------


def entry(body=b"<p>cached</p>", rendered_with=None):
    if rendered_with is None:
        rendered_with = version.current()
    return make_entry(rendered_with, 200, [("Content-Type", "text/html")], body)


def test_an_ordinary_entry_is_usable_while_its_version_holds(article):
    assert wsgi.usable(None) is False
    assert wsgi.usable(entry()) is True
    assert wsgi.usable(entry(rendered_with=version.current() - 1)) is False
    article_entry = make_entry(
        version.current() - 1,
        200,
        [],
        '<span class="views">阅读量:3</span>'.encode(),
        article_id=article.pk,
        row=(article.updated_at, None),
        views=3,
        pages=version.pages(),
    )
    assert wsgi.usable(article_entry) is True  # checked against its article next
    assert wsgi.usable(article_entry._replace(pages=version.pages() - 1)) is False


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
        stored = entry()
        caches["default"].set(key, stored)
        with mock.patch.object(local, "set", wraps=local.set) as kept:
            assert wsgi._cached(request) == stored
        kept.assert_called_once_with(key, stored, 7)
        # a stale copy of the process is passed over for the fresh shared entry
        local.set(key, entry(body=b"old", rendered_with=version.current() - 1))
        caches["default"].set(key, entry(body=b"new"))
        assert wsgi._cached(request).body() == b"new"
        assert local.get(key).body() == b"new"
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
    stored = entry()
    cache.set(keys.key(request), stored)
    assert wsgi._cached(request) == stored


def test_a_failed_lookup_is_logged(article, caplog):
    with mock.patch("pagecache.wsgi.page_store") as broken:
        broken.return_value.get.side_effect = ConnectionError("redis gone")
        assert wsgi._cached(environ_of("/z/")) is None
    [record] = [r for r in caplog.records if r.name == "pagecache.wsgi"]
    assert record.levelname == "ERROR" and record.exc_info
    assert record.getMessage() == "Page cache lookup failed"


def test_a_page_rendered_long_ago_is_served_and_rendered_again(article, settings):
    settings.PAGE_REFRESH_AFTER_SECONDS = 60
    path = article.get_absolute_url()
    call(path)
    refresher = client.app.refresher
    assert call(path)[1]["X-Page-Cache"] == "hit" and refresher.waiting() == 0
    later = wsgi.time.time() + 61
    with mock.patch("pagecache.wsgi.time.time", return_value=later):
        assert call(path)[1]["X-Page-Cache"] == "hit"
    assert refresher.waiting() == 1
