"""The search itself: each backend, ranking, typos, hostile queries, highlights."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.tests.factories import make_article
from search import engine
from search.backends import backend
from search.highlight import _folded, _folded_by_character, mark, snippet

from .helpers import found_titles

pytestmark = pytest.mark.django_db


def test_the_backend_is_the_databases_own_index():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector_idx'"
            )
            assert "gin (vector)" in cursor.fetchone()[0].lower()
    assert backend().vendor == connection.vendor


def test_the_index_holds_the_segmented_words():
    article = make_article(title="生意参谋看流量", body="<p>每天看<b>访客数</b>。</p>")
    document = article.search_document
    assert "生意参谋" in document.title.split() and "访客数" in document.body.split()


def test_ranking_title_tags_summary_body_then_reads_and_recency():
    now = timezone.now()
    make_article(title="正文提到", body="<p>讲一讲直通车。</p>", views=900)
    make_article(title="标签里有", tags=["直通车"], views=5)
    make_article(title="摘要里有", summary="直通车的摘要", views=5)
    make_article(title="直通车入门", views=1, published_at=now - timedelta(days=30))
    make_article(title="直通车进阶", views=1, published_at=now - timedelta(days=2))
    make_article(title="直通车老手", views=50, published_at=now - timedelta(days=90))
    make_article(title="无关", body="<p>讲主图。</p>")
    assert found_titles("直通车") == [
        "直通车老手",  # titles first; more reads first
        "直通车进阶",  # same reads: the newer first
        "直通车入门",
        "标签里有",
        "摘要里有",
        "正文提到",
    ]


def test_every_word_before_some_and_the_phrase_boosted():
    make_article(title="主图优化", body="<p>只讲主图。</p>", views=999)
    make_article(title="点击率和主图", body="<p>主图决定点击率。</p>")
    make_article(title="主图点击率提升", body="<p>主图点击率怎么提升。</p>")
    titles = found_titles("主图点击率")
    assert titles[:2] == ["主图点击率提升", "点击率和主图"]  # the phrase first, both words next
    assert titles[2] == "主图优化"  # one word only: last, whatever its reads


def test_a_whole_question_finds_the_article():
    make_article(title="店铺被搜索降权后怎么恢复", body="<p>降权的原因和恢复办法。</p>")
    make_article(title="淘宝开店流程", body="<p>注册和认证。</p>")
    assert found_titles("淘宝店铺被降权怎么办")[0] == "店铺被搜索降权后怎么恢复"


def test_latin_and_numbers():
    make_article(title="大促备货", body="<p>618 和双11 前一个月备货,SKU 不宜太多。</p>")
    make_article(title="DSR评分怎么提高")
    for query in ("618", "双11", "sku", "ＳＫＵ"):
        assert found_titles(query) == ["大促备货"], query
    assert found_titles("dsr") == ["DSR评分怎么提高"]


def test_a_one_character_typo_is_corrected():
    make_article(title="生意参谋的流量分析")
    result = engine.run("生意参某")
    assert result.corrected == "生意参谋"
    assert found_titles("生意参某") == ["生意参谋的流量分析"]


def test_a_query_of_real_words_is_not_corrected_into_another():
    # 保证金 is a known word (a tag); 保证金退 is one character from it, but
    # the reader typed two real words, 保证金 and 退还: dropping 退 would
    # search for 保证金还, which nobody asked for.
    make_article(title="保证金怎么交", tags=["保证金"])
    make_article(title="店铺保证金规则", tags=["保证金"])
    result = engine.run("保证金退还")
    assert result.corrected == ""
    assert result.query.text == "保证金退还"
    assert sorted(found_titles("保证金退还")) == ["保证金怎么交", "店铺保证金规则"]
    # A stretch that is no word is still a typo next to real words.
    make_article(title="生意参谋的流量分析")
    assert engine.run("生意参某 流量").corrected == "生意参谋 流量"


def test_drafts_scheduled_and_deleted_articles_never_appear():
    make_article(title="直通车草稿", status="draft")
    make_article(title="直通车定时", published_at=timezone.now() + timedelta(hours=1))
    make_article(title="直通车删除").delete()
    make_article(title="直通车已发布")
    assert found_titles("直通车") == ["直通车已发布"]


HOSTILE = [
    "",
    " ",
    "直" * 300,
    "!!!???",
    "'",
    '"',
    "' OR 1=1 --",
    '" OR ""="',
    "OR 1=1",
    "“直通车”",
    "‘退款’",
    "{{7*7}}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "直通车 AND NOT NEAR(",
    "title:直通车 *",
    "a:* & !b | (c",
    "\x00\x01",
    "%_%\\",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_results_not_errors(query):
    make_article(title="直通车入门")
    result = engine.run(query)
    assert isinstance(result.ids, list)


def test_a_quoted_word_is_still_found():
    make_article(title="直通车入门")
    assert found_titles("“直通车”") == ["直通车入门"]
    assert found_titles('"直通车" OR 1=1') == ["直通车入门"]


def test_highlights_are_escaped_and_on_the_original_text():
    text = "教程:<script>alert(1)</script> 里的 Script 要转义"
    html = mark(text, ["script"])
    assert "<script>" not in html
    assert html == (
        "教程:&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
        " 里的 <mark>Script</mark> 要转义"
    )
    assert mark("ＳＫＵ要少", ["sku"]) == "<mark>ＳＫＵ</mark>要少"


def test_a_snippet_is_cut_around_the_match():
    text = "开头的废话。" * 40 + "这里讲直通车出价。" + "结尾的废话。" * 40
    html = snippet(text, ["直通车"])
    assert html.startswith("...") and html.endswith("...")
    assert "<mark>直通车</mark>出价" in html
    assert len(html) < 200


def test_highlights_land_on_the_right_characters_whatever_folding_does():
    # Lower case that is two characters ('İ'), compatibility forms (full
    # width, the 'ﬁ' ligature), a combining mark and plain text side by side.
    assert mark("İPHONE 壳", ["phone"]) == "İ<mark>PHONE</mark> 壳"
    assert mark("ﬁle 与 FILE", ["file"]) == "<mark>ﬁle</mark> 与 <mark>FILE</mark>"
    assert mark("café 咖啡店", ["café"]) == "<mark>café</mark> 咖啡店"
    assert mark("淘宝店铺装修,店铺首页", ["店铺"]) == (
        "淘宝<mark>店铺</mark>装修,<mark>店铺</mark>首页"
    )
    assert mark("ΟΔΟΣ 跨境", ["οδος"]) == "<mark>ΟΔΟΣ</mark> 跨境"


def test_folding_a_text_whole_gives_what_folding_it_character_by_character_gives():
    # The shortcut (NFKC text lowered whole) must agree with the slow path
    # on every character Python knows, between two Chinese ones; only a
    # capital sigma differs (lowered whole it may be final, ς).
    differ = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF or code == 0x3A3:
            continue
        text = f"前{chr(code)}后"
        folded, origin = _folded(text)
        slow, slow_origin = _folded_by_character(text)
        if folded != slow or list(origin) != slow_origin:
            differ.append(hex(code))
    assert differ == []
