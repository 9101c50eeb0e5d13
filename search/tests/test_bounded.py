"""A search's work is bounded (search/engine.py): past CANDIDATES matches
only the newest are scored, the head matches (title, tags, summary) come
first, and the count is estimated and capped, and the page says so."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.tests.factories import make_article
from search import engine

from .helpers import found_titles, main_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounded(monkeypatch):
    """Three candidates per pass, counts capped at six."""
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    monkeypatch.setattr(engine, "COUNT_CAP", 6)


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def index_queries(queries):
    return [
        q["sql"]
        for q in queries
        if "search_fts" in q["sql"]
        or "search_searchdocument d" in q["sql"]
        or q["sql"].startswith("EXPLAIN")
    ]


def test_past_the_candidates_the_head_matches_come_first(bounded):
    make_article(title="直通车的老文章", views=1, published_at=days_ago(300))
    make_article(title="摘要提到", summary="直通车摘要", views=2, published_at=days_ago(200))
    for n in range(4):  # newer, more read, the word in the body only
        make_article(
            title=f"正文{n}",
            body="<p>讲直通车。</p>",
            views=1000 + n,
            published_at=days_ago(10 - n),
        )
    # Every head match (two: fewer than the candidates), title before
    # summary whatever the reads; then the three newest body matches by reads.
    assert found_titles("直通车") == ["直通车的老文章", "摘要提到", "正文3", "正文2", "正文1"]


def test_more_head_matches_than_candidates_fill_the_results(bounded):
    for n in range(4):
        make_article(title=f"直通车第{n}课", views=n, published_at=days_ago(20 - n))
    make_article(title="正文提到", body="<p>讲直通车。</p>", views=9999, published_at=days_ago(1))
    # The three newest title matches, by reads; the body match, however
    # read and new, is not among them.
    assert found_titles("直通车") == ["直通车第3课", "直通车第2课", "直通车第1课"]


def test_drafts_and_scheduled_articles_never_take_a_candidate(bounded):
    make_article(title="直通车已发布一", published_at=days_ago(30))
    make_article(title="直通车已发布二", published_at=days_ago(20))
    for n in range(3):  # the newest matches of all, none readable
        make_article(title=f"直通车草稿{n}", status="draft", published_at=days_ago(5))
        make_article(title=f"直通车定时{n}", published_at=timezone.now() + timedelta(hours=n + 1))
    result = engine.run("直通车")
    assert found_titles("直通车") == ["直通车已发布二", "直通车已发布一"]
    assert (result.count, result.count_text) == (2, "2")


def test_every_word_before_some_past_the_candidates(bounded):
    for n in range(4):
        make_article(title=f"主图第{n}课", views=5000, published_at=days_ago(1))
    make_article(title="主图点击率", views=1, published_at=days_ago(100))
    assert found_titles("主图 点击率")[0] == "主图点击率"


def test_an_exact_count_an_estimate_and_a_capped_one(bounded):
    for n in range(2):
        make_article(title=f"千牛设置{n}")
    assert (engine.run("千牛").count, engine.run("千牛").count_text) == (2, "2")
    for n in range(3):
        make_article(title=f"千牛技巧{n}")
    make_article(title="千牛草稿", status="draft")
    # Past the candidates: counted in the index, the draft included.
    assert engine.run("千牛").count_text == "约 6"
    make_article(title="千牛更多")
    assert engine.run("千牛").count_text == "超过 6"


def test_the_page_says_the_count_in_chinese(client, bounded):
    for n in range(2):
        make_article(title=f"退款流程{n}")
    assert "找到 2 篇相关文章" in main_text(client.get("/search/", {"q": "退款"}))
    for n in range(3):
        make_article(title=f"退款技巧{n}")
    cache.clear()
    assert "找到约 5 篇相关文章" in main_text(client.get("/search/", {"q": "退款"}))
    for n in range(2):
        make_article(title=f"退款更多{n}")
    cache.clear()
    response = client.get("/search/", {"q": "退款"})
    assert "找到超过 6 篇相关文章" in main_text(response)
    # The three last written (the candidates), the newer publish time first.
    assert [a.title for a in response.context["articles"]] == [
        "退款技巧2",
        "退款更多0",
        "退款更多1",
    ]


def test_the_queries_of_a_search(bounded):
    """Every match among the candidates: the head's candidates, then every
    field's (SQLite: one statement each, then bm25; PostgreSQL: two per
    pass, the newest id with the planner's estimate, then the candidates
    of one window with their scores). Past them: the head's candidates only (more
    head matches than candidates: every field's are not searched) and the
    capped count (on PostgreSQL the planner's estimate first, then, a small
    one, the count); a second word adds nothing when there are more
    articles with every word than the candidates."""
    make_article(title="生意参谋入门")
    engine.run("生意参谋")  # the segmenter and the tag names loaded
    with CaptureQueriesContext(connection) as queries:
        assert engine.run("生意参谋").ids
    assert len(index_queries(queries)) == (3 if connection.vendor == "sqlite" else 4), [
        q[:60] for q in index_queries(queries)
    ]
    for n in range(4):
        make_article(title=f"生意参谋看流量{n}")
    bounded = 2 if connection.vendor == "sqlite" else 4
    with CaptureQueriesContext(connection) as queries:
        assert len(engine.run("生意参谋").ids) == 3
    assert len(index_queries(queries)) == bounded
    with CaptureQueriesContext(connection) as queries:
        assert len(engine.run("生意参谋 流量").ids) == 3
    assert len(index_queries(queries)) == bounded
