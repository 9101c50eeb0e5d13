"""Which requests the page cache answers, and under which key."""

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import make_article
from comments.models import Comment
from pagecache import keys
from pagecache.tests.client import call, stored_views

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "cookie", "method"),
    [
        ("x=1", "", "GET"),
        ("page=2&x=1", "", "GET"),
        ("comment=posted", "", "GET"),
        ("page=0", "", "GET"),
        ("", f"{settings.SESSION_COOKIE_NAME}=abc", "GET"),
        ("", "", "POST"),
    ],
)
def test_what_is_never_served_from_or_stored_in_the_cache(article, query, cookie, method):
    for _ in range(2):
        _status, headers, _ = call(
            article.get_absolute_url(), method=method, query=query, cookie=cookie
        )
        assert "X-Page-Cache" not in headers


def test_search_and_comment_endpoints_are_not_cached(article):
    call("/search/", query="q=缓存")
    assert "X-Page-Cache" not in call("/search/", query="q=缓存")[1]
    call("/comments/captcha/")
    assert "X-Page-Cache" not in call("/comments/captcha/")[1]


def test_a_forwarded_scheme_counts_only_from_a_trusted_proxy(article, settings):
    """Without DJANGO_SECURE_PROXY_SSL, X-Forwarded-Proto is anyone's to send:
    it must not file the page under another key (nor, with the setting,
    share http pages with https ones)."""
    path = article.get_absolute_url()
    call(path)
    assert call(path, HTTP_X_FORWARDED_PROTO="https")[1]["X-Page-Cache"] == "hit"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    _status, headers, body = call(path, HTTP_X_FORWARDED_PROTO="https")
    assert headers["X-Page-Cache"] == "miss"
    assert f'<link rel="canonical" href="https://testserver{path}">' in body


def test_tracking_tags_share_the_page_s_entry(article):
    """Links shared in WeChat come back as ?from=singlemessage&isappinstalled=0,
    campaign links with utm_*: the same page, served from the same entry."""
    path = article.get_absolute_url()
    assert call(path)[1]["X-Page-Cache"] == "miss"
    for query in ("from=singlemessage&isappinstalled=0", "utm_source=wechat&utm_medium=share"):
        assert call(path, query=query)[1]["X-Page-Cache"] == "hit", query
    assert stored_views(article) == 3  # each one a read all the same


def test_a_tracking_tag_does_not_spread_into_cached_links(article):
    for n in range(25):
        make_article(category=article.category, title=f"列表文章{n}")
    _status, headers, body = call("/tbyy/", query="page=2&from=timeline")
    assert headers["X-Page-Cache"] == "miss"
    assert '<link rel="prev" href="http://testserver/tbyy/">' in body
    assert "from=timeline" not in body
    assert call("/tbyy/", query="page=2")[1]["X-Page-Cache"] == "hit"


def test_the_page_after_posting_shows_the_comment_from_any_process(article):
    """After posting, the reader lands on ?comment=posted, maybe in another
    server process that has not yet heard of the comment (it re-reads the
    comment stamps once a second): the page shows the comment all the same."""
    call(article.get_absolute_url())
    call(article.get_absolute_url(), query="comment=posted")
    # Another process stores the comment and stamps the article; this one
    # does not hear of it (no version.forget()).
    Comment.objects.create(article=article, body="刚刚发表的评论", status="approved")
    Article.objects.filter(pk=article.pk).update(comments_changed_at=timezone.now())
    status, headers, body = call(article.get_absolute_url(), query="comment=posted")
    assert status == "200 OK"
    assert "刚刚发表的评论" in body and "评论已发表" in body
    assert "X-Page-Cache" not in headers


# -- keys.py on its own: the rules above, request by request ------------------


def environ(**extra):
    return {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "http", **extra}


@pytest.mark.parametrize(
    ("method", "cacheable"),
    [("GET", True), ("HEAD", True), ("POST", False), ("PUT", False), ("head", False)],
)
def test_only_get_and_head_are_cacheable(method, cacheable):
    assert keys.eligible(environ(REQUEST_METHOD=method)) is cacheable


def test_a_session_cookie_among_others_makes_a_request_uncacheable():
    cookie = f"csrftoken=x; {settings.SESSION_COOKIE_NAME}=abc"
    assert keys.eligible(environ(HTTP_COOKIE="csrftoken=x")) is True
    assert keys.eligible(environ(HTTP_COOKIE=cookie)) is False


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", ""),
        ("page=2", "page=2"),
        ("page=2&page=3", None),  # which one would the view read? Django answers
        ("page=3&p=2", "p=2&page=3"),  # one order, one entry
        ("p=12&from=singlemessage&isappinstalled=0&utm_source=x", "p=12"),
        ("page=2&spm=a.b", "page=2"),
        ("page=x", None),
        ("page=", None),
        ("page=1234567", None),
        ("comment=", None),  # a blank parameter is still one the cache does not know
        ("q=", None),
        ("utm=1", None),
    ],
)
def test_the_query_a_cached_page_depends_on(query, kept):
    assert keys.page_query({"QUERY_STRING": query}) == kept


def test_no_query_string_at_all_is_the_plain_page():
    assert keys.page_query({}) == ""
    assert keys.eligible({"REQUEST_METHOD": "GET"}) is True


def test_the_key_names_scheme_host_path_and_page():
    assert (
        keys.key(environ(HTTP_HOST="example.com", PATH_INFO="/tbyy/", QUERY_STRING="page=2"))
        == "page:http:example.com/tbyy/?page=2"
    )
    # The path as the middleware passes it (the raw WSGI path), not PATH_INFO.
    assert keys.key(environ(PATH_INFO="/a/"), "/b/") == "page:http:/b/?"


def test_a_bare_environ_is_keyed_as_plain_http():
    """What a minimal server leaves out: no scheme (http), host, path or query."""
    assert keys.key({}) == "page:http:?"


def test_pages_of_different_hosts_and_schemes_are_not_shared():
    base = environ(HTTP_HOST="a.example", PATH_INFO="/x/")
    assert (
        len(
            {
                keys.key(base),
                keys.key({**base, "HTTP_HOST": "b.example"}),
                keys.key({**base, "wsgi.url_scheme": "https"}),
                keys.key({**base, "PATH_INFO": "/y/"}),
            }
        )
        == 4
    )


def test_a_trusted_proxy_s_scheme_files_the_page(settings):
    forwarded = environ(HTTP_HOST="h", PATH_INFO="/x/", HTTP_X_FORWARDED_PROTO="https")
    assert keys.key(forwarded) == "page:http:h/x/?"  # not trusted: anyone can send it
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert keys.key(forwarded) == "page:https:h/x/?"
    assert keys.key({**forwarded, "HTTP_X_FORWARDED_PROTO": "http"}) == "page:http:h/x/?"
    # a proxy that sends nothing: the server's own scheme
    assert keys.key(environ(HTTP_HOST="h", PATH_INFO="/x/")) == "page:http:h/x/?"


@pytest.mark.parametrize(
    ("path", "article_id"),
    [("/tbyy/12.html", 12), ("/tbyy/", None), ("/a/b/12.html", None), ("/tbyy/12.htm", None)],
)
def test_the_article_id_in_a_path(path, article_id):
    assert keys.article_id(path) == article_id
