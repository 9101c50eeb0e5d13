"""A chunk of old articles with their addresses and comments
(legacy/chunks.py) costs the same queries whatever its size, and a re-run
updates rather than copies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.bulk import Entry
from articles.models import Article
from articles.tests.factories import make_category
from comments.models import Comment
from legacy.chunks import Row, write_rows
from legacy.importing import Report
from legacy.models import OldAddress

pytestmark = pytest.mark.django_db


def rows(category, count, *, run, body="好文章"):
    moment = timezone.now() - timedelta(days=1)
    return [
        Row(
            old_id=str(n),
            key=f"arc:{run}{n}",
            entry=Entry(
                source_url=f"dedecms:{run}{n}",
                fields={
                    "title": f"文章{run}{n}",
                    "body": "<p>正文</p>",
                    "category": category,
                    "status": Article.Status.PUBLISHED,
                    "published_at": moment,
                },
                tags=["运营", f"标签{run}{n}"],
            ),
            addresses=[(f"/a/{run}/{n}.html", ""), ("/plus/view.php", f"aid={run}{n}")],
            comments=[
                {
                    "old_id": f"{run}{n}-{c}",
                    "nickname": "老王",
                    "body": body,
                    "ip": None,
                    "created_at": moment,
                    "visible": c == 0,
                }
                for c in range(2)
            ],
        )
        for n in range(count)
    ]


def queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_the_queries_of_a_chunk_do_not_grow_with_its_size():
    category = make_category()
    write_rows(rows(category, 1, run="w"), source="dedecms", report=Report())  # warm up
    small = queries(
        lambda: write_rows(rows(category, 2, run="s"), source="dedecms", report=Report())
    )
    large = queries(
        lambda: write_rows(rows(category, 8, run="l"), source="dedecms", report=Report())
    )
    assert small == large
    # A re-run that changes every comment: the same, again.
    again = [
        queries(lambda n=n, run=run: write_rows(
            rows(category, n, run=run, body="改过"), source="dedecms", report=Report()))
        for n, run in ((2, "s"), (8, "l"))
    ]  # fmt: skip
    assert again[0] == again[1]


def test_a_rerun_updates_and_counts_instead_of_copying():
    category = make_category()
    first = Report()
    write_rows(rows(category, 3, run="a"), source="dedecms", report=first)
    assert first.counts["address"]["created"] == 6 and first.counts["comment"]["created"] == 6
    again = Report()
    write_rows(rows(category, 3, run="a", body="改过"), source="dedecms", report=again)
    assert (Article.objects.count(), OldAddress.objects.count(), Comment.objects.count()) == (
        3,
        6,
        6,
    )
    assert again.counts["article"]["updated"] == 3
    assert again.counts["address"]["skipped"] == 6
    assert again.counts["comment"]["updated"] == 6
    assert set(Comment.objects.values_list("body", flat=True)) == {"改过"}
