"""The whole-page cache: what it serves, what it counts, what makes it stale."""

import io
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from unittest import mock
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category
from articles.pagecache import wsgi_fast_path
from articles.reads import ReadCounter, reads
from comments.models import Comment

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db

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

    # Like Django's test client: the request must not close the test's
    # database connection (it holds the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], body.decode()


def stored_views(article):
    reads.flush()
    article.refresh_from_db()
    return article.views


@pytest.fixture
def article():
    return make_article(category=make_category(slug="tbyy", name="淘宝运营"), title="缓存测试")


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


def test_search_and_comment_endpoints_are_not_cached(article):
    call("/search/", query="q=缓存")
    assert "X-Page-Cache" not in call("/search/", query="q=缓存")[1]
    call("/comments/captcha/")
    assert "X-Page-Cache" not in call("/comments/captcha/")[1]


def changes(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        action()


CONTENT_CHANGES = [
    "edit article",
    "new article",
    "delete article",
    "rename category",
    "retag article",
    "rename tag",
]
COMMENT_CHANGES = ["approve comment", "delete visible comment"]


@pytest.mark.parametrize("change", CONTENT_CHANGES + COMMENT_CHANGES)
def test_every_kind_of_change_makes_the_affected_pages_fresh(
    article, change, django_capture_on_commit_callbacks
):
    article.tags.set(["选品"])
    neighbour = make_article(category=article.category, title="隔壁文章")
    doomed = make_article(category=article.category, title="将被删除")
    visible = Comment.objects.create(article=article, body="可见评论", status="approved")
    pending = Comment.objects.create(article=article, body="待审核", status="pending")
    lists = ["/", "/tbyy/", "/tags/选品/", "/sitemap/"]
    paths = [article.get_absolute_url(), neighbour.get_absolute_url(), *lists]
    for path in paths:
        call(path)
        assert call(path)[1]["X-Page-Cache"] == "hit"
    from taggit.models import Tag

    def rename_category():
        category = Category.objects.get(pk=article.category_id)
        category.name = "改名分类"
        category.save()

    def rename_tag():
        tag = Tag.objects.get(name="选品")
        tag.name = "选品改名"
        tag.save()

    actions = {
        "edit article": lambda: (setattr(article, "title", "新标题"), article.save()),
        "new article": lambda: make_article(category=article.category, title="新来的文章"),
        "delete article": lambda: doomed.delete(),
        "rename category": rename_category,
        "retag article": lambda: article.tags.add("新标签"),
        "rename tag": rename_tag,
        "approve comment": lambda: (setattr(pending, "status", "approved"), pending.save()),
        "delete visible comment": lambda: visible.delete(),
    }
    # What the article page (rendered again, partly from cached fragments
    # and cached article data) must show, and must no longer show.
    shows = {
        "edit article": ("新标题", None),
        "new article": ("新来的文章", None),  # 相关文章 (same category), checked below
        "delete article": (None, "将被删除"),  # 相关文章
        "rename category": ("改名分类", "淘宝运营"),  # breadcrumb, navigation, JSON-LD
        "retag article": ("新标签", None),
        "rename tag": ("选品改名", ">选品</a>"),
        "approve comment": ("待审核", None),
        "delete visible comment": (None, "可见评论"),
    }
    changes(django_capture_on_commit_callbacks, actions[change])
    stale = paths if change in CONTENT_CHANGES else [article.get_absolute_url()]
    for path in paths:
        expected = "miss" if path in stale else "hit"
        assert call(path)[1]["X-Page-Cache"] == expected, path
    present, absent = shows[change]
    page = call(article.get_absolute_url())[2]
    if present:
        assert present in page
    if absent:
        assert absent not in page
    if change == "new article":  # not only in 热门内容: in 相关文章 too
        assert "新来的文章" in page.split('class="box related"')[1].split("</section>")[0]


def test_a_pending_comment_does_not_empty_the_cache(article, django_capture_on_commit_callbacks):
    call(article.get_absolute_url())
    changes(
        django_capture_on_commit_callbacks,
        lambda: Comment.objects.create(article=article, body="待审核的评论", status="pending"),
    )
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "hit"


def test_a_scheduled_article_appears_when_its_time_comes(
    article, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(seconds=30)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = make_article(category=article.category, title="定时文章", published_at=soon)
    assert "定时文章" not in call("/")[2]
    assert call("/")[1]["X-Page-Cache"] == "hit"
    with (
        mock.patch("articles.pagecache.time.time", return_value=soon.timestamp() + 1),
        mock.patch("django.utils.timezone.now", return_value=soon + timedelta(seconds=1)),
    ):
        _status, headers, body = call("/")
    assert headers["X-Page-Cache"] == "miss" and "定时文章" in body
    assert scheduled.title in body


def test_a_lost_cache_entry_only_means_a_miss(article):
    from django.core.cache import caches

    call(article.get_absolute_url())
    for each in caches.all(initialized_only=True):  # with Redis, the local copies too
        each.clear()
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "miss"


# The read counter ------------------------------------------------------------


def test_reads_are_written_in_one_batch(article):
    other = make_article()
    counter = ReadCounter()
    for _ in range(5):
        counter.add(article.pk)
    counter.add(other.pk)
    article.refresh_from_db()
    assert article.views == 0 and counter.pending(article.pk) == 5
    with CaptureQueriesContext(connection) as queries:
        assert counter.flush() == 6
    updates = [q for q in queries if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(updates) == 2  # one per distinct amount, not one per read
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.views, other.views) == (5, 1)


def test_a_long_overdue_flush_happens_on_the_next_read(article, settings):
    """If the background thread falls behind, a reader's request writes."""
    settings.READ_FLUSH_SECONDS = 0.001
    counter = ReadCounter()
    counter._last_flush -= 1
    with mock.patch.object(ReadCounter, "_start_timer"):  # the thread is stuck
        counter.add(article.pk)
    article.refresh_from_db()
    assert article.views == 1


def test_no_read_is_lost_when_the_cache_is_cleared(article):
    reads.add(article.pk)
    cache.clear()
    assert stored_views(article) == 1


EXITING_PROCESS = """
import sqlite3
import sys
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from articles.models import Article, Category
from articles.reads import reads

category = Category.objects.create(name="分类", slug="cat")
article = Article.objects.create(title="t", body="<p>b</p>", category=category, status="published")
for _ in range(5):
    reads.add(article.pk)
print("id", article.pk)
sys.exit(0)  # a normal exit, nothing flushed by hand
"""


def test_reads_are_flushed_when_the_process_exits(tmp_path):
    database = tmp_path / "exiting.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "forum.settings",
        "READ_FLUSH_SECONDS": "3600",  # no timer flush before the exit
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", EXITING_PROCESS],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    article_id = int(result.stdout.split()[-1])
    with sqlite3.connect(database) as db:
        (views,) = db.execute(
            "SELECT views FROM articles_article WHERE id = ?", (article_id,)
        ).fetchone()
    assert views == 5


FORKED_WORKER = """
import multiprocessing
import django

django.setup()
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
from articles.models import Article, Category
from articles.reads import reads

category = Category.objects.create(name="分类", slug="cat")
article = Article.objects.create(title="t", body="<p>b</p>", category=category, status="published")
connection.close()
reads.add(article.pk)  # the parent's own read, not to be written twice


def worker():
    for _ in range(7):
        reads.add(article.pk)


process = multiprocessing.get_context("fork").Process(target=worker)
process.start()
process.join()
reads.flush()
article.refresh_from_db()
print("views", article.views)
"""


def test_reads_in_a_forked_worker_are_written_when_it_exits(tmp_path):
    """What granian does: its workers are forked and leave through os._exit(),
    which skips atexit."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'forked.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "forum.settings",
        "READ_FLUSH_SECONDS": "3600",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", FORKED_WORKER],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "views 8" in result.stdout, result.stderr[-2000:]


def test_a_failed_flush_keeps_the_counts(article):
    reads.add(article.pk)
    with mock.patch("django.db.models.query.QuerySet.update", side_effect=RuntimeError("down")):
        assert reads.flush() == 0
    assert reads.pending(article.pk) == 1
    assert stored_views(article) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_and_flushes_lose_nothing_and_double_nothing():
    article = make_article()
    counters = [ReadCounter(), ReadCounter()]  # two worker processes

    def reader(counter):
        try:
            for n in range(200):
                counter.add(article.pk)
                if n % 25 == 0:
                    counter.flush()
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(counters[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for counter in counters:
        counter.flush()
    article.refresh_from_db()
    assert article.views == 800


def test_bulk_moderation_in_the_admin_makes_pages_fresh(
    client, article, django_capture_on_commit_callbacks
):
    pending = Comment.objects.create(article=article, body="批量通过的评论", status="pending")
    call(article.get_absolute_url())
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "x"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/comments/comment/", {"action": "approve", "_selected_action": [pending.pk]}
        )
    _status, headers, body = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss" and "批量通过的评论" in body


def test_a_deploy_makes_every_cached_page_stale(article):
    """migrate (run by every deploy) may bring new templates or models; what
    a shared cache holds from the old code must not be served after it."""
    from django.core.management.sql import emit_post_migrate_signal

    call(article.get_absolute_url())
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "miss"


def test_a_request_keys_everything_on_the_version_it_started_with(client):
    """A process can hear of a new content version in the middle of a
    request. What the request read from the cache under the old version
    must not be stored under the new one: 相关文章 computed from the old
    tags would then outlive the change."""
    from articles.pagecache import version

    reader = make_article(category=make_category(), tags=["甲"], title="正在读的文章")
    make_article(category=make_category(), tags=["乙"], title="只有乙标签的文章")
    url = reader.get_absolute_url()
    assert "只有乙标签的文章" not in related_section(client.get(url + "?view=a"))
    before = version.current()
    reader.tags.add("乙")  # its version bump waits for a commit that never comes here
    answers = iter([before])  # the request starts at the old version, then hears of the new
    with mock.patch.object(version, "current", lambda: next(answers, before + 1)):
        client.get(url + "?view=b")
    with mock.patch.object(version, "current", lambda: before + 1):
        assert "只有乙标签的文章" in related_section(client.get(url + "?view=c"))


def related_section(response):
    return response.content.decode().split('class="box related"')[1].split("</section>")[0]


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


def test_the_local_cache_holds_thousands_of_pages():
    """Django's local-memory cache keeps 300 entries by default: a few dozen
    articles' pages and fragments. Ours keeps thousands."""
    for n in range(3000):
        cache.set(f"test:many:{n}", n)
    assert all(cache.get(f"test:many:{n}") == n for n in range(3000))


def test_cache_keys_change_with_the_code(tmp_path, monkeypatch):
    """Cache keys carry a hash of the code, templates and static files, so
    after a deploy nothing the old code cached (HTML, pickled objects) is
    served, even by a Redis shared with old processes still running."""
    import forum.settings

    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(
        ":" + forum.settings.code_fingerprint()
    )
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>旧</p>")
    monkeypatch.setattr(forum.settings, "BASE_DIR", tmp_path)
    before = forum.settings.code_fingerprint()
    assert forum.settings.code_fingerprint() == before
    page.write_text("<p>新</p>")
    assert forum.settings.code_fingerprint() != before


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
    from articles.pagecache import bump_now

    bump_now()
    assert call(path)[1]["X-Page-Cache"] == "miss"
    caches["local-pages"].clear()


def test_refresh_pages_makes_every_cached_page_stale(article):
    """For data changed outside the site (SQL, a shell update()), which
    sends no signal."""
    from django.core.management import call_command

    call(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="在外面改的标题")
    assert "在外面改的标题" not in call(article.get_absolute_url())[2]
    out = io.StringIO()
    call_command("refresh_pages", stdout=out)
    assert "已刷新" in out.getvalue()
    _status, headers, body = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss" and "在外面改的标题" in body


def test_one_commit_bumps_the_version_once(article, django_capture_on_commit_callbacks):
    """Saving an article and its tags sends a dozen signals; the content
    version (3 queries and a write each) goes up once per commit."""
    from articles.models import ContentVersion

    before = ContentVersion.objects.get().version
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.title = "改过的标题"
        article.save()
        article.tags.set(["甲", "乙", "丙", "丁", "戊"])
        article.tags.remove("甲")
    assert len(callbacks) > 5
    assert ContentVersion.objects.get().version == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        article.tags.add("己")  # the next commit bumps again
    assert ContentVersion.objects.get().version == before + 2


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
