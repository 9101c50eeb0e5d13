"""The article list in the admin, with the 评论 column the comments app adds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.admin import CHANGELIST
from articles.tests.factories import image_file, make_article, make_category
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_changelist_columns_and_search_in_title_and_body(admin_client, category):
    hit = make_article(category=category, title="标题里没有", body="<p>正文里讲直通车</p>")
    Comment.objects.create(article=hit, body="一条", status=Comment.Status.APPROVED)
    Comment.objects.create(article=hit, body="两条")
    make_article(category=category, title="无关的文章")
    html = admin_client.get(CHANGELIST + "?q=直通车").content.decode()
    assert "标题里没有" in html and "无关的文章" not in html
    for header in ["缩略图", "标题", "分类", "状态", "发布时间", "阅读量", "评论"]:
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert "(1 条待审)" in html


def changelist_queries(admin_client):
    admin_client.get(CHANGELIST)  # the session and permissions are cached after this
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), response


def test_changelist_makes_no_query_per_row(admin_client):
    categories = [make_category() for _ in range(3)]
    for n in range(5):
        article = make_article(category=categories[n % 3], tags=["甲", "乙"], cover=image_file())
        Comment.objects.create(article=article, body="评论")
    few, _ = changelist_queries(admin_client)
    for n in range(45):
        article = make_article(category=categories[n % 3], tags=["甲", "丙"], is_pinned=n % 5 == 0)
        Comment.objects.create(article=article, body="评论")
    many, response = changelist_queries(admin_client)
    assert len(response.context["cl"].result_list) == 50
    assert many == few


def test_changelist_does_not_count_every_row(admin_client):
    make_article()
    _, response = changelist_queries(admin_client)
    assert response.context["cl"].model_admin.show_full_result_count is False


def test_the_comment_list_neither_lists_every_article_nor_grows_its_queries(admin_client):
    """At 1,000,000 comments on 100,000 articles the list's filters must not
    read every article or every day: the same queries for 1 article or 40."""
    url = reverse("admin:comments_comment_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    first = make_article(title="第一篇有评论的文章")
    Comment.objects.create(article=first, body="评论")
    queries()  # the first request also fills per-process caches (content types)
    few = queries()
    for n in range(40):
        Comment.objects.create(article=make_article(title=f"有评论的文章{n}"), body="评论")
    assert queries() == few
    html = admin_client.get(url).content.decode()
    assert "有评论的文章7" not in html.split('id="changelist-filter"')[1]
    # From the article list's 评论 column: that article's comments, named.
    filtered = admin_client.get(url + f"?article__id__exact={first.pk}")
    assert [c.article_id for c in filtered.context["cl"].result_list] == [first.pk]
    assert "第一篇有评论的文章" in filtered.content.decode().split('id="changelist-filter"')[1]


def test_the_list_is_counted_without_counting_comments(admin_client):
    """The 评论 column's subqueries belong to the page's 50 rows, not to the
    count of all articles."""
    make_article()
    admin_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST)
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts, "the list was not counted"
    assert all("comments_comment" not in sql for sql in counts)
