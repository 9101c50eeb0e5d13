"""A popular article has thousands of comments: its page shows the newest
and links to all of them, a page at a time, at a cost that does not grow."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.tests.factories import make_article
from articles.version import article_comments_changed
from comments.models import Comment

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=30)


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.COMMENTS_ON_ARTICLE_PAGE = 5
    settings.COMMENTS_PER_PAGE = 4


@pytest.fixture
def article():
    return make_article(title="热门文章")


def add_comments(article, count, *, status=Comment.Status.APPROVED, first=0):
    Comment.objects.bulk_create(
        Comment(
            article=article,
            nickname=f"读者{first + n}",
            body=f"第{first + n}条评论",
            status=status,
            created_at=START + timedelta(minutes=first + n),
        )
        for n in range(count)
    )
    article_comments_changed([article.pk])  # bulk_create sends no signals


def shown(html):
    """The comment texts on a page, top to bottom."""
    return re.findall(r'<p class="comment-body">(.*?)</p>', html)


def get(client, path, **params):
    response = client.get(path, params)
    return response.status_code, response.content.decode()


def all_path(article):
    return f"/comments/{article.pk}/all/"


def test_article_page_shows_the_newest_comments_oldest_first_and_links_to_all(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 12)
        add_comments(article, 3, status=Comment.Status.PENDING, first=100)
    status, html = get(client, article.get_absolute_url())
    assert status == 200
    assert "留言与评论(共有 12 条评论)" in html
    assert shown(html) == [f"第{n}条评论" for n in range(7, 12)]
    assert "这里显示最新的 5 条评论" in html
    assert f'<a href="{all_path(article)}">查看全部 12 条评论</a>' in html


def test_no_link_to_all_when_every_comment_is_on_the_page(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 5)
    status, html = get(client, article.get_absolute_url())
    assert status == 200
    assert "留言与评论(共有 5 条评论)" in html
    assert shown(html) == [f"第{n}条评论" for n in range(5)]
    assert all_path(article) not in html
    assert "查看全部" not in html


def test_full_list_pages_hold_every_visible_comment_once_in_order(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 10)
        add_comments(article, 2, status=Comment.Status.SPAM, first=50)
    pages = []
    for number in (1, 2, 3):
        status, html = get(client, all_path(article), page=number)
        assert status == 200
        assert "共有 10 条评论" in html
        assert f"第 {number} / 3 页" in html
        pages.append(shown(html))
    assert pages == [
        ["第0条评论", "第1条评论", "第2条评论", "第3条评论"],
        ["第4条评论", "第5条评论", "第6条评论", "第7条评论"],
        ["第8条评论", "第9条评论"],
    ]
    status, html = get(client, all_path(article), page=1)
    assert '<meta name="robots" content="noindex, follow">' in html
    assert f'href="{article.get_absolute_url()}">返回文章</a>' in html
    assert get(client, all_path(article), page=4)[0] == 404
    assert get(client, all_path(article), page="x")[0] == 404


def test_full_list_follows_a_new_comment_at_once(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 4)
    assert "共有 4 条评论" in get(client, all_path(article))[1]
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(article=article, body="刚刚发表", status=Comment.Status.APPROVED)
    status, html = get(client, all_path(article), page=2)
    assert status == 200
    assert "共有 5 条评论" in html
    assert shown(html) == ["刚刚发表"]


def test_no_comment_list_for_an_article_readers_cannot_see(client):
    draft = make_article(title="草稿", status="draft")
    assert get(client, all_path(draft))[0] == 404
    assert get(client, "/comments/999999/all/")[0] == 404


def queries_of(client, path, **params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_page_costs_do_not_grow_with_the_number_of_comments(
    client, article, django_capture_on_commit_callbacks, settings
):
    """The article page on a miss and any page of the full list read the
    same number of rows-bounded queries for 30 comments and for 600."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 30)
    few = {
        "article": queries_of(client, article.get_absolute_url()),
        "first": queries_of(client, all_path(article)),
        "last": queries_of(client, all_path(article), page=8),
    }
    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 570, first=30)
    many = {
        "article": queries_of(client, article.get_absolute_url()),
        "first": queries_of(client, all_path(article)),
        "last": queries_of(client, all_path(article), page=150),
    }
    assert {name: len(sql) for name, sql in many.items()} == {
        name: len(sql) for name, sql in few.items()
    }
    comment_reads = [
        sql for sql in many["article"] if 'FROM "comments_comment"' in sql and "COUNT(" not in sql
    ]
    assert len(comment_reads) == 1
    assert "LIMIT 5" in comment_reads[0]


def test_each_article_form_posts_to_its_own_article(client):
    """The blank form is rendered once for all articles: each page still
    gets its own addresses, and no trace of the stand-in."""
    first, second = make_article(title="第一篇"), make_article(title="第二篇")
    for article in (first, second, first):
        _status, html = get(client, article.get_absolute_url())
        assert f'action="/comments/{article.pk}/post/#comments"' in html
        assert f'data-captcha-url="/comments/captcha/?article={article.pk}"' in html
        other = second if article == first else first
        assert f"/comments/{other.pk}/post/" not in html
        assert "918273645546372819" not in html


def test_the_comment_pages_of_an_article_are_its_comments_oldest_first(client):
    # Read from the far end for the last pages (articles.paging): the same
    # comments in the same order, the ties of one moment decided by the id.
    article = make_article()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            nickname=f"读者{n}",
            body=f"第{n}条评论",
            status=Comment.Status.APPROVED,
        )
        for n in range(95)
    )
    seen = []
    page = 1
    while True:
        response = client.get(f"/comments/{article.pk}/all/?page={page}")
        if response.status_code == 404:
            break
        assert response.status_code == 200
        seen += [c.pk for c in response.context["comments"]]
        page += 1
    assert page > 3
    assert seen == list(
        article.comments.visible().order_by("created_at", "id").values_list("pk", flat=True)
    )
