"""Segmentation with the trade's dictionary, and the editors' changes to it."""

import pytest
from django.db import connection

from articles.tests.factories import make_article
from search.models import DictionaryWord, SynonymGroup
from search.pending import drain
from search.segment import builtin_words, segmenter

from .helpers import found_titles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("淘宝客和拼多多的千牛生意参谋", ["淘宝客", "拼多多", "千牛", "生意参谋"]),
        ("引力魔方万相台刷单小红书天猫", ["引力魔方", "万相台", "刷单", "小红书", "天猫"]),
        ("双11和双十一大促补单", ["双11", "双十一", "大促", "补单"]),
        ("ＳＫＵ数量和DSR评分", ["sku", "数量", "dsr评分"]),
    ],
)
def test_the_dictionary_keeps_trade_words_whole(text, words):
    cut = segmenter.current().query_words(text)
    for word in words:
        assert word in cut, (word, cut)


def test_the_word_ends_of_a_query_count_spaces_and_punctuation():
    # Offsets into what the reader typed, for the typo fixer (query.correct).
    assert segmenter.current().word_ends("保证金退还 运费!") == {3, 5, 6, 8, 9}


def test_the_index_also_keeps_the_parts_of_long_words():
    words = segmenter.current().index_words("淘宝直通车推广")
    assert {"淘宝", "直通车", "淘宝直通车", "推广"} <= set(words)


def test_the_builtin_dictionary_is_in_the_admin_table():
    builtin = {word for word, _ in builtin_words()}
    assert len(builtin) >= 250
    assert builtin == set(
        DictionaryWord.objects.filter(builtin=True).values_list("word", flat=True)
    )


def test_a_word_added_by_an_editor_takes_effect_and_reindexes(django_capture_on_commit_callbacks):
    article = make_article(title="蓝象魔盒投放复盘", body="<p>新工具蓝象魔盒的用法。</p>")
    assert "蓝象魔盒" not in segmenter.current().query_words("蓝象魔盒")
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryWord.objects.create(word="蓝象魔盒")
    assert "蓝象魔盒" in segmenter.current().query_words("蓝象魔盒")
    drain()  # the background re-index (search/pending.py)
    document = article.search_document
    document.refresh_from_db()
    assert "蓝象魔盒" in document.title.split()
    assert found_titles("蓝象魔盒") == ["蓝象魔盒投放复盘"]


def test_another_process_sees_a_dictionary_change_when_the_version_moves(
    django_capture_on_commit_callbacks,
):
    """A process that did not make the change: its segmenter compares the
    fingerprint when the content version moves, and reloads."""
    segmenter.current()
    with connection.cursor() as cursor:  # as another process would, behind our back
        cursor.execute(
            "INSERT INTO search_dictionaryword (word, weight, enabled, builtin, updated_at)"
            " VALUES ('青鸾计划', 0, %s, %s, CURRENT_TIMESTAMP)",
            [True, False],
        )
    assert "青鸾计划" not in segmenter.current().query_words("青鸾计划")
    from articles.version import bump

    bump()
    assert "青鸾计划" in segmenter.current().query_words("青鸾计划")


def test_switching_off_a_builtin_word(django_capture_on_commit_callbacks):
    word = DictionaryWord.objects.get(word="店小蜜")
    with django_capture_on_commit_callbacks(execute=True):
        word.enabled = False
        word.save()
    assert "店小蜜" not in segmenter.current().query_words("店小蜜怎么设置")


def test_an_editors_synonym_group(django_capture_on_commit_callbacks):
    make_article(title="私域社群怎么做")
    assert found_titles("社区团") == []
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(words="社群 社区团")
    drain()
    assert found_titles("社区团") == ["私域社群怎么做"]


@pytest.mark.parametrize(
    ("typed", "wanted"), [("淘客", "淘宝客"), ("PDD", "拼多多"), ("双十一", "双11")]
)
def test_builtin_synonyms(typed, wanted):
    make_article(title=f"{wanted}入门")
    make_article(title="无关的文章")
    assert found_titles(typed) == [f"{wanted}入门"]


def test_a_process_keeps_one_stock_dictionary_and_reloads_never_share_one(monkeypatch):
    # Importing rjieba builds an instance with the stock dictionary; the
    # first vocabulary takes it instead of building a second (24 MB a worker).
    import rjieba

    from search import segment

    stand_in = rjieba.Jieba()
    monkeypatch.setattr(rjieba, "_DEFAULT_JIEBA", stand_in)
    monkeypatch.setattr(segment, "_adopted_default", False)
    first = segment.Vocabulary([("测一个词", 5)], [])
    assert first.jieba is stand_in
    assert "测一个词" in first.query_words("我测一个词吧")
    # Loaded again without that word (an editor removed it): a fresh
    # instance, and the old vocabulary, maybe in use elsewhere, keeps its own.
    second = segment.Vocabulary([], [])
    assert second.jieba is not stand_in
    assert "测一个词" not in second.query_words("我测一个词吧")
    assert "测一个词" in first.query_words("我测一个词吧")
