"""The admin's article list searched through the index (articles/admin/
article.py, wired in by search/admin.py): Chinese words in any field and
any state, an id, an address, a title fragment among the newest articles,
best first, in the same few queries whatever the site's size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin import article as article_admin
from articles.models import Article
from articles.tests.admin import CHANGELIST
from articles.tests.factories import make_article, make_category
from articles.tests.test_scale import explain, table_scans
from legacy.models import OldAddress

pytestmark = pytest.mark.django_db


def listed(admin_client, text, **params):
    """The titles the article list shows for a search, in its order."""
    response = admin_client.get(CHANGELIST, {"q": text, **params})
    assert response.status_code == 200
    return [article.title for article in response.context["cl"].result_list]


def test_chinese_words_in_any_field_and_any_state_are_found(admin_client):
    make_article(title="新店起步", body="<p>开直通车之前先看数据。</p>")
    make_article(title="直通车草稿", status=Article.Status.DRAFT)
    make_article(title="定时的直通车", published_at=timezone.now() + timedelta(days=3))
    make_article(title="摘要里有", summary="直通车的出价")
    make_article(title="别的话题", body="<p>讲退款流程。</p>")
    found = listed(admin_client, "直通车")
    assert sorted(found) == sorted(["新店起步", "直通车草稿", "定时的直通车", "摘要里有"])
    # Best first: the titles with the word before the summary and the body.
    assert set(found[:2]) == {"直通车草稿", "定时的直通车"}
    assert found[-1] == "新店起步"


def test_every_word_of_the_search_is_needed(admin_client):
    make_article(title="直通车推广的出价")
    make_article(title="直通车入门")
    assert listed(admin_client, "直通车 出价") == ["直通车推广的出价"]


def test_an_id_and_the_article_s_addresses_find_it_first(admin_client):
    category = make_category(slug="tbyy")
    target = make_article(
        category=category, title="按编号找", source_url="http://old.example.cn/a/7.html"
    )
    make_article(title=f"标题里有{target.pk}号")  # the id as text in a title: after it
    OldAddress.objects.create(path="/plus/view.php", query="aid=7", article=target)
    assert listed(admin_client, str(target.pk))[0] == "按编号找"
    for address in [
        "http://old.example.cn/a/7.html",  # its source URL
        f"/tbyy/{target.pk}.html",  # its address here
        f"https://www.example.cn/tbyy/{target.pk}.html",
        "http://old.example.cn/plus/view.php?aid=7",  # an old address (legacy)
    ]:
        assert listed(admin_client, address) == ["按编号找"], address


def test_a_title_fragment_is_found_among_the_newest_articles_only(admin_client, monkeypatch):
    monkeypatch.setattr(article_admin, "TITLE_RECENT", 2)
    make_article(title="旧文章:退货运费险怎么买")
    make_article(title="新文章:运费险理赔")
    make_article(title="最新的:退货运费险怎么退")
    # 费险怎 cuts words in two: the index does not read it; LIKE over the
    # two newest titles does.
    assert listed(admin_client, "费险怎") == ["最新的:退货运费险怎么退"]
    html = admin_client.get(CHANGELIST).content.decode()
    assert "标题中的任意片段只在最近的 2 篇文章中查找" not in html  # the text says 20,000
    assert "标题中的任意片段只在最近的 20,000 篇文章中查找" in html


def test_a_whole_title_comes_before_articles_with_its_words(admin_client):
    make_article(title="提高点击率", body="<p>主图要清楚。</p>", views=9000)
    make_article(title="主图点击率怎么提高", views=1)  # older, less read
    assert listed(admin_client, "主图点击率怎么提高")[0] == "主图点击率怎么提高"


def test_a_column_the_editor_sorts_by_wins_over_the_search_order(admin_client):
    make_article(title="直通车甲", views=5)
    make_article(title="直通车乙", views=50)
    make_article(title="正文提到", body="<p>直通车。</p>", views=500)
    by_views = listed(admin_client, "直通车", o="-7")  # 阅读量, descending
    assert by_views == ["正文提到", "直通车乙", "直通车甲"]


def test_the_filters_narrow_a_search(admin_client):
    make_article(title="直通车已发布")
    make_article(title="直通车草稿", status=Article.Status.DRAFT)
    assert listed(admin_client, "直通车", status="draft") == ["直通车草稿"]


def test_nothing_found_is_an_empty_list(admin_client):
    make_article(title="直通车")
    assert listed(admin_client, "完全没有的词") == []
    assert listed(admin_client, "的") == []  # no word the index reads, in no title
    assert listed(admin_client, "²") == []  # a digit to Python, not an id
    assert listed(admin_client, "9" * 30) == []  # past a bigint


def searched_queries(admin_client, text):
    admin_client.get(CHANGELIST, {"q": text})  # the session and permissions cached after this
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST, {"q": text})
    assert response.status_code == 200
    return queries, response


# The searched list: session, user, the newest id, the exact id/address, the
# title fragment, the index (SQLite: head and every field, with bm25 when
# few; PostgreSQL: its statements in fewer round trips), the count, the
# page, and the filters' own.
SEARCH_QUERIES = {"sqlite": 11, "postgresql": 12}


def test_the_searched_list_makes_the_same_queries_for_few_or_many_matches(admin_client):
    category = make_category()
    for n in range(3):
        make_article(category=category, title=f"直通车第{n}课", tags=["推广"])
    few, _ = searched_queries(admin_client, "直通车")
    for n in range(60):
        make_article(category=category, title=f"直通车进阶{n}", tags=["推广", "出价"])
    many, response = searched_queries(admin_client, "直通车")
    assert len(response.context["cl"].result_list) == 50
    assert len(many) == len(few) == SEARCH_QUERIES[connection.vendor], [
        q["sql"][:120] for q in many
    ]


def test_no_search_reads_the_article_table_row_by_row(admin_client):
    """At 3,000 articles, every SELECT of a searched list explained: none
    walks the articles (a cost that grows with the site)."""
    from articles.planner import update_statistics

    category = make_category()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"第{n}篇运营文章",
            category=category,
            body=f"<p>正文{n}</p>",
            body_text=f"正文{n} 直通车" if n % 7 == 0 else f"正文{n}",
            published_at=now - timedelta(hours=n),
        )
        for n in range(3000)
    )
    # The statistics first, as test_scale.py keeps them: an ANALYZE of the
    # index's documents would outlive the test on PostgreSQL (pg_class is
    # updated in place) and change the estimated counts of later tests.
    update_statistics()
    from search.index import reindex

    reindex(Article.objects.values_list("pk", flat=True))
    middle = Article.objects.order_by("pk").values_list("pk", flat=True)[1500]
    found = {}
    for text in ["直通车", "运营文章", "篇运营", str(middle), f"/{category.slug}/{middle}.html"]:
        queries, response = searched_queries(admin_client, text)
        assert response.context["cl"].result_list, text
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or ";" in sql:
                continue  # the index's own statements: search/tests/test_bounded.py
            scans = table_scans(explain(sql, ()), sql)
            if scans:
                found.setdefault(text, []).append((sql[:300], scans))
    assert found == {}
