"""Where pages are kept (pagecache/entries.py, filecache.py), how they are
rendered again in the background (refresh.py), and `manage.py warm_pages`."""

import io
import threading
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command

from articles.models import Article
from articles.tests.factories import make_article
from articles.version import bump
from pagecache import filecache, keys
from pagecache.entries import make_entry, page_store
from pagecache.filecache import PageFileCache
from pagecache.refresh import Refresher
from pagecache.tests import client
from pagecache.tests.client import call, stored_views

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def key_of(path, host="testserver"):
    return keys.key({"wsgi.url_scheme": "http", "HTTP_HOST": host, "PATH_INFO": path})


def test_pages_are_kept_where_every_worker_shares_them(settings, tmp_path):
    if settings.REDIS_URL:  # in Redis, the shared cache
        assert "pages" not in settings.CACHES and page_store() is caches["default"]
        return
    # without Redis, in files
    assert isinstance(page_store(), PageFileCache)
    # another worker: another instance of the backend over the same folder
    pages = settings.CACHES["pages"]
    other = PageFileCache(pages["LOCATION"], {"KEY_PREFIX": pages["KEY_PREFIX"]})
    entry = make_entry(1, 200, [], b"<p>page</p>")
    page_store().set("k", entry, 60)
    assert other.get("k") == entry


def test_the_file_store_lists_its_folder_once_every_cull_every_stores(tmp_path, monkeypatch):
    store = PageFileCache(str(tmp_path / "pages"), {"OPTIONS": {"MAX_ENTRIES": 5}})
    monkeypatch.setitem(filecache._stores, store._dir, 0)
    monkeypatch.setattr(filecache, "CULL_EVERY", 10)
    with mock.patch.object(PageFileCache, "_list_cache_files", return_value=[]) as listed:
        for n in range(25):
            store.set(f"k{n}", n)
    assert listed.call_count == 3  # stores 1, 11, 21
    # and when it does look, it culls past MAX_ENTRIES as Django does
    monkeypatch.setitem(filecache._stores, store._dir, 0)
    store.set("last", 1)
    assert len(store._list_cache_files()) < 26


def test_an_entry_compresses_its_body():
    page = ("<p>" + "正文" * 4000 + "</p>").encode()
    entry = make_entry(1, 200, [], page)
    assert entry.body() == page
    assert sum(len(part) for part in entry.parts) < len(page) / 10


# -- pages rendered again in the background -----------------------------------


def test_a_page_asked_for_is_rendered_by_the_process_s_thread(settings):
    settings.PAGE_REFRESH_IN_BACKGROUND = True
    settings.PAGE_REFRESH_PER_SECOND = 1000
    refresher = Refresher(app=None)
    rendered = threading.Event()
    seen = []

    def render(key, environ):
        seen.append((key, environ["PATH_INFO"], environ["HTTP_USER_AGENT"]))
        rendered.set()

    environ = {"REQUEST_METHOD": "GET", "HTTP_HOST": "h", "PATH_INFO": "/a/1.html"}
    environ["wsgi.url_scheme"] = "http"
    environ["HTTP_COOKIE"] = "csrftoken=abc"
    with mock.patch.object(refresher, "render", side_effect=render):
        refresher.request(environ)
        assert rendered.wait(10)
    [(key, path, agent)] = seen
    assert key == keys.key(environ) and path == "/a/1.html" and "bot" in agent
    assert refresher.waiting() == 0


def test_a_render_that_fails_is_logged_and_the_page_is_kept(article, caplog):
    path = article.get_absolute_url()
    call(path)
    bump()
    call(path)
    refresher = client.app.refresher
    with mock.patch.object(refresher, "app", side_effect=RuntimeError("boom")):
        assert client.drain() == 1
    assert "Could not render" in caplog.text
    assert page_store().get(key_of(path)) is not None


# -- manage.py warm_pages -------------------------------------------------------


def warm(*args):
    out = io.StringIO()
    with client._connection_kept():
        call_command("warm_pages", "--host", "testserver", *args, stdout=out)
    return out.getvalue()


def test_warm_pages_renders_every_public_article_once(article, category):
    others = [make_article(category=category) for _ in range(4)]
    make_article(category=category, status=Article.Status.DRAFT, title="草稿")
    before = stored_views(article)
    out = warm()
    assert "生成 5 页" in out and "跳过 0 页" in out
    for page in [article, *others]:
        assert page_store().get(key_of(page.get_absolute_url())).row is not None
        assert call(page.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    assert stored_views(article) == before + 1  # the hit above; warming reads nothing
    out = warm()
    assert "生成 0 页" in out and "跳过 5 页" in out
    Article.objects.filter(pk=article.pk).update(title="改了")  # outside the site...
    bump(every_page=True)  # ...then refresh_pages
    assert "生成 5 页" in warm()


def test_warm_pages_renders_again_an_article_edited_since(article):
    warm()
    article.title = "编辑过"
    article.save()
    assert "生成 1 页" in warm()


def test_warm_pages_stops_at_its_limit(article, category):
    for _ in range(5):
        make_article(category=category)
    assert "生成 3 页" in warm("--limit", "3")
    out = warm()
    assert "生成 3 页" in out and "跳过 3 页" in out


def test_warm_pages_refuses_a_store_only_one_process_sees(settings):
    settings.CACHES = {"default": {"BACKEND": LOCMEM, "LOCATION": "warm-test"}}
    with pytest.raises(CommandError, match="REDIS_URL"):
        warm()
