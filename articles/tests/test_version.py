"""The content version: every change a page shows makes it fresh."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Category
from articles.tests.factories import make_article, make_category
from comments.models import Comment
from pagecache.tests import client
from pagecache.tests.client import call

pytestmark = pytest.mark.django_db


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
    # Lists are rendered again at once; an article page when its own article
    # changed (edited, its comments), otherwise served as it was and
    # rendered again in the background (pagecache/refresh.py).
    own = [article.get_absolute_url()] if change in ("edit article", *COMMENT_CHANGES) else []
    stale = lists + own if change in CONTENT_CHANGES else own
    for path in paths:
        expected = "miss" if path in stale else "hit"
        assert call(path)[1]["X-Page-Cache"] == expected, path
    refresher = client.app.refresher
    assert refresher.waiting() == (0 if change in COMMENT_CHANGES else 2 - len(own))
    client.drain()
    present, absent = shows[change]
    _status, headers, page = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "hit"
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
        mock.patch("articles.version.time.time", return_value=soon.timestamp() + 1),
        mock.patch("django.utils.timezone.now", return_value=soon + timedelta(seconds=1)),
    ):
        _status, headers, body = call("/")
    assert headers["X-Page-Cache"] == "miss" and "定时文章" in body
    assert scheduled.title in body


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
    from articles.version import version

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


@pytest.mark.django_db
def test_refresh_pages_tells_the_planner_about_rows_added_outside_the_site(category):
    """A bulk insert (a migration script, bench/generate.py) sends nothing;
    refresh_pages leaves statistics for the table as it now is."""
    from django.core.management import call_command

    from articles.planner import planned_rows

    Article.objects.bulk_create(
        Article(title=f"批量{n}", category=category, body="<p>正文</p>") for n in range(30)
    )
    call_command("refresh_pages", stdout=io.StringIO())
    assert planned_rows("articles_article") == Article.objects.count()


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


def test_refresh_pages_finds_an_article_rescheduled_outside_the_site(article):
    """Every bump computes the next publish time afresh: an article
    rescheduled with SQL goes live on time once refresh_pages has run."""
    from django.core.management import call_command

    from articles.models import ContentVersion

    later = timezone.now() + timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(published_at=later)
    call_command("refresh_pages", stdout=io.StringIO())
    assert ContentVersion.objects.get().next_publish_at == later


def test_a_publish_time_already_past_bumps_once_not_on_every_request(article):
    """If the next publish time the database reports is already past by this
    process's clock (clocks that disagree, a row written by hand), the
    version goes up once, not on every call."""
    from articles.models import ContentVersion
    from articles.version import _Version, bump

    make_article(category=article.category, published_at=timezone.now() + timedelta(minutes=30))
    bump()  # as the commit would: the next publish time is in 30 minutes
    process = _Version()
    ahead = timezone.now().timestamp() + 3600  # this process's clock, an hour ahead
    with mock.patch("articles.version.time.time", return_value=ahead):
        first = process.current()
        assert [process.current() for _ in range(5)] == [first] * 5
    assert ContentVersion.objects.get().version == first


# -- version.py piece by piece --------------------------------------------------


def row():
    from articles.models import ContentVersion

    return ContentVersion.objects.values_list("version", "next_publish_at", "pages").get()


def test_bump_raises_the_version_and_finds_the_next_publish_time():
    from articles.version import bump

    now = timezone.now()
    category = make_category()
    make_article(category=category, published_at=now + timedelta(hours=2))
    make_article(category=category, published_at=now + timedelta(hours=1))
    make_article(category=category, published_at=now + timedelta(minutes=5), status="draft")
    make_article(category=category, published_at=now - timedelta(hours=1))
    before, _, pages = bump()
    assert bump() == (before + 1, now + timedelta(hours=1), pages) == row()
    assert bump(every_page=True) == (before + 2, now + timedelta(hours=1), pages + 1) == row()


def test_bump_makes_the_row_when_there_is_none():
    from articles.models import ContentVersion
    from articles.version import bump

    soon = timezone.now() + timedelta(hours=1)
    make_article(published_at=soon)
    ContentVersion.objects.all().delete()
    assert bump() == (1, soon, 1) == row()
    ContentVersion.objects.all().delete()
    Article.objects.all().delete()
    assert bump() == (1, None, 1) == row()


def test_this_process_rereads_the_version_every_version_seconds(settings):
    from articles.models import ContentVersion
    from articles.version import _Version

    settings.PAGE_CACHE_VERSION_SECONDS = 2
    process = _Version()
    with mock.patch("articles.version.time.monotonic", return_value=1000.0):
        first = process.current()
    ContentVersion.objects.update(version=first + 7)  # another process bumped
    for moment, seen in ((1000.0, first), (1001.99, first), (1002.0, first + 7)):
        with mock.patch("articles.version.time.monotonic", return_value=moment):
            assert process.current() == seen, moment


def test_a_process_starting_with_no_row_makes_it(settings):
    from articles.models import ContentVersion
    from articles.version import _Version

    ContentVersion.objects.all().delete()
    assert _Version().current() == 1 == row()[0]


def test_a_scheduled_time_bumps_when_it_comes_not_before():
    from articles.version import _Version, bump

    soon = timezone.now() + timedelta(minutes=10)
    make_article(published_at=soon)
    start, _, _ = bump()
    process = _Version()
    with mock.patch("articles.version.time.time", return_value=soon.timestamp() - 0.5):
        assert process.current() == start
    with (
        mock.patch("articles.version.time.time", return_value=soon.timestamp()),
        mock.patch("django.utils.timezone.now", return_value=soon),
    ):
        assert process.current() == start + 1  # live at its very second
        assert process.current() == start + 1
    assert process._next_publish is None  # nothing else is scheduled


def test_a_bump_with_a_later_article_still_to_come_waits_for_it():
    from articles.version import _Version, bump

    now = timezone.now()
    first, second = now + timedelta(minutes=10), now + timedelta(minutes=20)
    make_article(published_at=first)
    make_article(published_at=second)
    start, _, _ = bump()
    process = _Version()
    with (
        mock.patch("articles.version.time.time", return_value=first.timestamp() + 1),
        mock.patch("django.utils.timezone.now", return_value=first + timedelta(seconds=1)),
    ):
        assert process.current() == start + 1
        assert process._next_publish == second.timestamp()  # kept: still to come
        assert process.current() == start + 1


def test_a_request_reads_the_version_once():
    from types import SimpleNamespace

    from articles.version import bump, request_version, version

    request = SimpleNamespace()
    first = request_version(request)
    assert first == version.current()
    bump()
    assert request_version(request) == first != version.current()
    assert request_version(SimpleNamespace()) == version.current()


def test_an_import_bumps_once_at_the_end_of_the_outermost_block(
    article, django_capture_on_commit_callbacks
):
    from articles.version import content_changed, one_bump_at_the_end

    start = row()[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, one_bump_at_the_end():
        with one_bump_at_the_end():
            content_changed()
        assert row()[0] == start  # the inner block's end does not bump
        content_changed()
    assert callbacks == []
    assert row()[0] == start + 1
    with pytest.raises(RuntimeError), one_bump_at_the_end():
        raise RuntimeError("the import failed half-way")
    assert row()[0] == start + 2  # what it wrote before failing shows
    with django_capture_on_commit_callbacks(execute=True):
        content_changed()  # after the blocks: bumps again
    assert row()[0] == start + 3


def test_a_change_rolled_back_does_not_bump(article):
    from django.db import transaction

    from articles.version import content_changed

    start = row()[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        content_changed()
        raise RuntimeError
    assert row()[0] == start


def test_a_comment_change_stamps_only_its_articles_and_shows_at_once(
    article, django_capture_on_commit_callbacks
):
    from articles.version import article_comments_changed, version

    other = make_article(category=article.category)
    for page in (article, other):
        call(page.get_absolute_url())
    before = version.current()
    with django_capture_on_commit_callbacks(execute=True):
        article_comments_changed({article.pk})
    stamped = Article.objects.get(pk=article.pk).comments_changed_at
    assert stamped is not None
    assert Article.objects.get(pk=other.pk).comments_changed_at is None
    assert version.current() == before
    assert call(article.get_absolute_url())[1]["X-Page-Cache"] == "miss"
    assert call(other.get_absolute_url())[1]["X-Page-Cache"] == "hit"


def test_a_process_reads_the_row_on_its_first_call_whatever_its_clock(settings):
    """time.monotonic() may be any number, even 0 (a machine just booted)."""
    from articles.version import _Version, bump

    settings.PAGE_CACHE_VERSION_SECONDS = 5
    current, _, _ = bump()
    with mock.patch("articles.version.time.monotonic", return_value=0.0):
        assert _Version().current() == current


def test_a_publish_time_the_database_still_calls_to_come_bumps_once():
    """The database's clock a second behind this process's: at the publish
    time the bump still finds the article scheduled, for the same time."""
    from articles.version import _Version, bump

    soon = (timezone.now() + timedelta(minutes=10)).replace(microsecond=0)
    make_article(published_at=soon)
    start, _, _ = bump()
    process = _Version()
    with (
        mock.patch("articles.version.time.time", return_value=soon.timestamp()),
        mock.patch("django.utils.timezone.now", return_value=soon - timedelta(seconds=1)),
    ):
        assert [process.current() for _ in range(3)] == [start + 1] * 3
    assert row()[0] == start + 1


def test_with_the_database_down_a_process_keeps_the_version_it_last_read(settings, caplog):
    """Cached pages stay servable while PostgreSQL is away: the version last
    read is kept (and said in the log), and read again once it is back."""
    from django.db import OperationalError

    from articles.models import ContentVersion
    from articles.version import _Version

    settings.PAGE_CACHE_VERSION_SECONDS = 2
    process = _Version()
    with mock.patch("articles.version.time.monotonic", return_value=1000.0):
        first = process.current()
    down = mock.patch.object(_Version, "_load", side_effect=OperationalError("server closed"))
    with (
        down,
        mock.patch("articles.version.time.monotonic", return_value=1002.0),
        mock.patch("articles.version.connection.close") as close,
    ):
        assert process.current() == first
    close.assert_called_once()  # a broken connection is not reused
    assert [r.getMessage() for r in caplog.records if r.name == "articles.version"] == [
        f"Could not read the content version; keeping {first}"
    ]
    ContentVersion.objects.update(version=first + 3)
    with mock.patch("articles.version.time.monotonic", return_value=1003.0):
        assert process.current() == first  # the failed try counts as this interval's read
    with mock.patch("articles.version.time.monotonic", return_value=1004.0):
        assert process.current() == first + 3


def test_a_process_that_never_read_the_version_fails_while_the_database_is_down():
    """With no version to keep, nothing can be served from the cache: the
    error goes on to the 503 page."""
    from django.db import OperationalError

    from articles.version import _Version

    process = _Version()
    with (
        mock.patch.object(_Version, "_load", side_effect=OperationalError("down")),
        pytest.raises(OperationalError),
    ):
        process.current()
