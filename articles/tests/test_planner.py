"""After a change in bulk the planner is told what is there now
(articles/planner.py): counts for SQLite's and PostgreSQL's plans, and on
PostgreSQL the new rows marked visible, so a list's ids come from the index
alone."""

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Category
from articles.planner import planned_rows, update_statistics

ROWS = 300


# Outside a transaction, as manage.py runs it: VACUUM cannot run inside one.
@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_load_the_planner_knows_the_rows_and_sees_them_all_visible():
    category = Category.objects.create(name="运营", slug="yunying")
    Article.objects.bulk_create(
        Article(
            title=f"第{n}篇",
            category=category,
            body="<p>正文</p>",
            body_text="正文",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(ROWS)
    )
    update_statistics()
    assert planned_rows("articles_article") == ROWS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE oid = %s::regclass",
                ["articles_article"],
            )
            pages, visible = cursor.fetchone()
        assert pages > 0 and visible == pages


@pytest.mark.django_db
def test_inside_a_transaction_the_statistics_are_still_gathered():
    category = Category.objects.create(name="运营", slug="yunying")
    Article.objects.create(
        title="一篇", category=category, body="<p>正文</p>", status=Article.Status.PUBLISHED
    )
    update_statistics()
    assert planned_rows("articles_article") == 1
