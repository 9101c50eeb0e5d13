"""The page cache's storing side (pagecache/middleware.py): which responses
are stored, and what an entry holds. The serving side reads the entry
(test_wsgi.py); here the middleware runs on its own, with the view's
response made up, so each condition is tried alone."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.utils import timezone

from articles.version import bump, version
from pagecache import keys
from pagecache.entries import page_store, seconds_to_keep
from pagecache.middleware import PageCacheMiddleware
from pagecache.tests.client import call

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def through(
    view_name="articles:home",
    response=None,
    path="/",
    user=None,
    pk=None,
    during=None,
    method="get",
    shown=None,
    **extra,
):
    """(the response, the stored entry or None, its key) of one request
    through the middleware, answered by `view_name` with `response`."""
    request = getattr(RequestFactory(), method)(path, **extra)
    request.user = user or AnonymousUser()
    if shown is not None:  # what the article view tells the middleware
        request.article_shown = shown
    if response is None:
        response = HttpResponse("<p>页面</p>")

    def get_response(request):
        if view_name is not None:
            request.resolver_match = SimpleNamespace(
                view_name=view_name, kwargs={"pk": str(pk)} if pk else {}
            )
        if during:
            during()
        return response

    answered = PageCacheMiddleware(get_response)(request)
    key = keys.key(request.META, request.path_info.encode().decode("latin-1"))
    return answered, page_store().get(key), key


def test_a_list_page_is_stored_with_the_version_it_was_built_with():
    response, entry, _key = through()
    assert response["X-Page-Cache"] == "miss"
    assert entry is not None
    assert entry.version == version.current()
    assert (entry.status, entry.body(), entry.article_id, entry.row) == (
        200,
        "<p>页面</p>".encode(),
        None,
        None,
    )
    assert ("Content-Type", "text/html; charset=utf-8") in entry.headers


def test_the_length_is_left_to_the_server_that_serves_the_entry():
    response = HttpResponse("<p>页面</p>")
    response["Content-Length"] = "999"
    response["X-Other"] = "kept"
    _response, entry, _key = through(response=response)
    names = [name.lower() for name, _ in entry.headers]
    assert "content-length" not in names and "x-other" in names


def test_an_article_page_is_stored_split_around_its_count_with_what_it_was_built_from(article):
    row = (article.updated_at, timezone.now())
    page = '<h1>文章</h1><span class="views">阅读量:57</span><p>正文 57</p>'
    _response, entry, _key = through(
        "articles:detail",
        response=HttpResponse(page),
        path=article.get_absolute_url(),
        pk=article.pk,
        shown=(row, 57),
    )
    assert entry.article_id == article.pk and entry.row == row and entry.views == 57
    assert len(entry.parts) == 2
    assert entry.body() == page.encode()
    assert entry.body(1234) == page.replace("阅读量:57", "阅读量:1234").encode()
    assert entry.body(1234).count(b"57") == 1  # only the count is replaced
    assert seconds_to_keep(entry) == settings.PAGE_ARTICLE_SECONDS


def test_an_article_page_without_its_count_is_an_ordinary_page(article):
    _response, entry, _key = through(
        "articles:detail", path=article.get_absolute_url(), pk=article.pk
    )
    assert entry.article_id == article.pk and entry.row is None and len(entry.parts) == 1
    assert seconds_to_keep(entry) == settings.PAGE_CACHE_SECONDS


def test_a_page_built_while_the_content_changed_is_stored_as_stale():
    """The version read when the request started, not when it ended: what
    the view read may be from before the change."""
    before = version.current()
    _response, entry, _key = through(during=bump)
    assert entry.version == before != version.current()


@pytest.mark.parametrize(
    "case",
    ["not found", "redirect", "other view", "no view", "cookie", "streaming", "logged in"],
)
def test_what_is_not_stored(case, django_user_model):
    kwargs = {}
    if case == "not found":
        kwargs["response"] = HttpResponse("x", status=404)
    elif case == "redirect":
        kwargs["response"] = HttpResponse(status=302)
    elif case == "other view":
        kwargs["view_name"] = "articles:search"
    elif case == "no view":
        kwargs["view_name"] = None
    elif case == "cookie":
        response = HttpResponse("x")
        response.set_cookie("csrftoken", "abc")
        kwargs["response"] = response
    elif case == "streaming":
        kwargs["response"] = StreamingHttpResponse(iter([b"a", b"b"]))
    elif case == "logged in":  # logged in some other way than the session cookie
        kwargs["user"] = django_user_model.objects.create_user("editor", password="x")
    response, entry, _key = through(**kwargs)
    assert entry is None
    assert "X-Page-Cache" not in response


def test_an_uncacheable_request_is_passed_through_untouched():
    response, entry, _key = through(method="post")
    assert entry is None and "X-Page-Cache" not in response
    response, entry, _key = through(QUERY_STRING="q=1")
    assert entry is None and "X-Page-Cache" not in response


def test_every_cached_view_is_stored():
    for view_name in keys.CACHED_VIEWS:
        page_store().clear()
        assert through(view_name, pk=7)[1] is not None, view_name


def test_the_entry_lives_page_cache_seconds(settings):
    settings.PAGE_CACHE_SECONDS = 123
    store = page_store()
    with mock.patch.object(store, "set", wraps=store.set) as stored:
        _response, entry, key = through()
    stored.assert_called_once_with(key, entry, 123)


def test_with_a_shared_cache_the_process_keeps_its_own_copy(settings):
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "shared-stand-in"},
        "local-pages": {"BACKEND": LOCMEM, "LOCATION": "local-pages-middleware-test"},
    }
    settings.PAGE_CACHE_LOCAL_SECONDS = 7
    local = caches["local-pages"]
    try:
        with mock.patch.object(local, "set", wraps=local.set) as kept:
            _response, entry, key = through()
        kept.assert_called_once_with(key, entry, 7)
        assert local.get(key) == entry
    finally:
        local.clear()


def test_a_non_ascii_path_is_stored_under_the_key_the_fast_path_reads(article):
    article.tags.set(["选品"])
    assert call("/tags/选品/")[1]["X-Page-Cache"] == "miss"
    assert call("/tags/选品/")[1]["X-Page-Cache"] == "hit"


def test_staff_pages_are_never_stored(client, article):
    staff = get_user_model().objects.create_user("boss", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "X-Page-Cache" not in response
