"""The search page, 热门搜索, the suggestions endpoint and OpenSearch."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.tests.factories import make_article, make_category
from articles.version import version
from search.log import query_log
from search.models import HiddenQuery, QueryDay

from .helpers import found_titles, main_text, text_of
from .test_engine import HOSTILE

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.title for a in response.context.get("articles") or []]


def popular(response):
    html = response.content.decode()
    section = re.search(r'<section class="box search-popular">(.*?)</section>', html, re.S)
    return re.findall(r"<a [^>]*>([^<]+)</a>", section.group(1)) if section else []


def test_results_are_counted_highlighted_and_cut_around_the_words(client):
    make_article(
        title="主图点击率低的原因",
        body="<p>" + "先说别的。" * 40 + "点击率低多半是主图的问题。</p>",
    )
    make_article(title="别的", body="<p>提高点击率的方法</p>")
    make_article(title="无关", body="<p>无关内容</p>")
    response = client.get("/search/", {"q": "点击率"})
    page = main_text(response)
    html = response.content.decode()
    assert "找到 2 篇相关文章" in page and "无关" not in page
    assert "主图<mark>点击率</mark>低的原因" in html
    assert "...<mark>点击率</mark>低多半是主图的问题。" in html  # cut at the sentence


def test_the_page_reads_the_text_not_the_markup(client):
    make_article(
        title="直通车入门", body='<p class="tip">直通车出价技巧</p><p><strong>重点</strong></p>'
    )
    assert titles(client.get("/search/?q=出价技巧")) == ["直通车入门"]
    for markup in ("class", "tip", "strong"):
        assert titles(client.get(f"/search/?q={markup}")) == [], markup


def test_a_body_with_a_script_tag_as_text_is_escaped(client):
    make_article(title="防XSS的注意事项", body="<p>评论里的 &lt;script&gt; 标签要过滤。</p>")
    html = client.get("/search/", {"q": "script"}).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script>" not in main
    assert "&lt;<mark>script</mark>&gt;" in main


def test_the_query_is_escaped(client):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_a_normal_page(client, query):
    make_article(title="直通车入门")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "搜索" in text_of(response)
    if "7*7" in query:
        assert "49" not in main_text(response)


def test_empty_and_overlong_queries(client):
    make_article(title="直通车入门")
    empty = client.get("/search/", {"q": ""})
    assert empty.status_code == 200 and "输入关键词" in text_of(empty)
    query = "直通车 " * 30 + "没有这个词"
    response = client.get("/search/", {"q": query})
    assert titles(response) == ["直通车入门"]
    assert len(response.context["query"]) <= 100 and "没有这个词" not in response.context["query"]
    assert "只按前 100 个字搜索" in main_text(response)


def test_nothing_found_suggests_popular_articles_and_the_closest_category(client):
    pdd = make_category(name="拼多多", slug="pdd", description="拼多多开店与运营")
    make_category(name="京东", slug="jd")
    make_article(title="最热的文章", views=500, category=pdd)
    page = main_text(client.get("/search/", {"q": "拼多多蓝牛计划"}))
    assert "没有找到相关文章,换个关键词试试" in page
    assert "大家都在看 最热的文章" in page
    assert "也可以看看分类“ 拼多多 ”里的文章" in page


def test_pages_link_to_each_other_with_the_query(client):
    for n in range(25):
        make_article(title=f"直通车第{n}篇")
    html = client.get("/search/", {"q": "直通车", "page": 2}).content.decode()
    assert (
        '<link rel="prev" href="http://testserver/search/?q=%E7%9B%B4%E9%80%9A%E8%BD%A6">' in html
    )
    assert "第 2 / 2 页" in text_of(client.get("/search/", {"q": "直通车", "page": 2}))
    assert client.get("/search/", {"q": "直通车", "page": "x"}).status_code == 200


def test_popular_and_related_searches(client):
    make_article(title="直通车入门", body="<p>直通车出价和主图。</p>")
    for query, times in [("直通车出价", 3), ("直通车", 2), ("主图", 1), ("没有结果的词", 5)]:
        for _ in range(times):
            client.get("/search/", {"q": query})
    query_log.flush()
    QueryDay.objects.create(
        query="很久以前", day=timezone.localdate() - timedelta(days=40), count=99, results=1
    )
    cache.clear()
    page = popular(client.get("/search/"))
    assert page == ["直通车出价", "直通车", "主图"]
    assert "相关搜索 直通车出价" in main_text(client.get("/search/", {"q": "直通车"}))
    HiddenQuery.objects.create(query="直通车出价")
    assert popular(client.get("/search/")) == ["直通车", "主图"]


def test_the_log_adds_up_across_flushes():
    query_log.add("直通车", 3)
    query_log.add("直通车", 3)
    query_log.flush()
    query_log.add("直通车", 4)
    query_log.flush()
    row = QueryDay.objects.get(query="直通车")
    assert (row.count, row.results) == (3, 4)


def test_suggestions_put_the_titles_starting_with_the_typed_text_first(client):
    make_article(title="开直通车", views=5000)
    make_article(title="学直通车", views=4000)
    long_title = "直通车从开户到出价调整再到人群溢价的完整教程"
    make_article(title=long_title, views=1)
    searched = found_titles("直通车")
    assert searched[0] != long_title  # the search puts it below the short titles
    data = client.get("/search/suggest/", {"q": "直通车"}).json()
    titles = [s["title"] for s in data["suggestions"]]
    assert titles == [long_title, *(t for t in searched if t != long_title)]
    with CaptureQueriesContext(connection) as queries:  # cached search: the titles only
        client.get("/search/suggest/", {"q": "直通车"})
    assert len([q for q in queries if "articles_article" in q["sql"]]) == 1


def test_suggestions_endpoint(client):
    make_article(title="直通车入门", views=10)
    make_article(title="直通车<b>进阶</b>")
    make_article(title="主图", status="draft")
    data = client.get("/search/suggest/", {"q": "直通"}).json()
    assert data["query"] == "直通"
    assert [s["title"] for s in data["suggestions"]] == ["直通车入门", "直通车<b>进阶</b>"]
    assert data["suggestions"][0]["url"].endswith(".html")
    assert client.get("/search/suggest/", {"q": ""}).json()["suggestions"] == []
    assert client.get("/search/suggest/", {"q": "主图"}).json()["suggestions"] == []
    opensearch = json.loads(
        client.get("/search/suggest/", {"q": "直通", "format": "opensearch"}).content
    )
    assert opensearch[0] == "直通" and opensearch[1][0] == "直通车入门"


def test_opensearch_description(client):
    html = client.get("/").content.decode()
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    assert 'template="http://testserver/search/?q={searchTerms}"' in response.content.decode()


def test_searches_are_limited_per_address(client, settings):
    settings.SEARCH_RATE_LIMIT = "3/60"
    make_article(title="直通车入门")
    codes = [client.get("/search/", {"q": f"直通车{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "搜索太频繁了" in main_text(client.get("/search/", {"q": "直通车"}))
    other = client.get("/search/", {"q": "直通车"}, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 200


def test_results_are_cached_per_query(client):
    make_article(title="直通车入门")
    client.get("/search/", {"q": "直通车"})
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": " 直通车  "})
    assert not any("search_fts" in q["sql"] or "vector" in q["sql"] for q in queries)


def test_the_search_page_query_budget(client):
    """The ranked search (one word, every match among the candidates: the
    head pass, then every field's; on SQLite three queries, the head's
    candidates, every field's, then bm25 over them; on PostgreSQL two per
    pass, the newest id with the planner's estimate, then the candidates
    with their scores), the page's articles, 热门搜索, then the navigation and the
    sidebar (its ids, then its rows); the same with 20 results or 60."""
    for n in range(60):
        make_article(title=f"正文测试{n}", tags=[f"标签{n % 5}"])
    ranked = 3 if connection.vendor == "sqlite" else 4
    for path in ("/search/?q=正文", "/search/?q=正文&page=3"):
        cache.clear()
        version.current()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) == 5 + ranked, [q["sql"][:80] for q in queries]
