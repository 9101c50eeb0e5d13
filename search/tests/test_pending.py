"""A dictionary change re-indexes what it affects after the editor's
request, in bounded batches (search/pending.py)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.tests.factories import make_article
from search import pending
from search.models import DictionaryWord, PendingReindex, SearchDocument

from .helpers import found_titles, main_text

pytestmark = pytest.mark.django_db

WORD = "蓝象魔盒"


def indexed_whole(article):
    """Whether the article's document holds the word whole."""
    return WORD in SearchDocument.objects.get(pk=article.pk).title.split()


def test_the_admin_saves_a_word_without_reindexing_and_the_queue_does_it(admin_client):
    article = make_article(title=f"{WORD}投放复盘")
    response = admin_client.post(
        reverse("admin:search_dictionaryword_add"),
        {"word": WORD, "weight": 0, "enabled": "on"},
        follow=True,
    )
    # The request only queued the re-index: the document is as it was, and
    # the list the editor lands on says the re-index is under way.
    assert not indexed_whole(article)
    assert list(PendingReindex.objects.values_list("words", flat=True)) == [WORD]
    assert "还有 1 项词典改动涉及的文章正在后台重建搜索索引" in main_text(response)
    pending.drain()
    assert indexed_whole(article)
    assert found_titles(WORD) == [f"{WORD}投放复盘"]
    assert not PendingReindex.objects.exists()
    response = admin_client.get(reverse("admin:search_dictionaryword_changelist"))
    assert "正在后台重建搜索索引" not in main_text(response)


def test_each_batch_reindexes_at_most_the_batch_size(settings):
    settings.SEARCH_REINDEX_BATCH = 2
    articles = [make_article(title=f"{WORD}第{n}篇") for n in range(5)]
    make_article(title="无关的文章")
    DictionaryWord.objects.create(word=WORD)

    def whole():
        return [indexed_whole(a) for a in articles]

    assert pending.process_batch()
    assert whole() == [True, True, False, False, False]
    assert PendingReindex.objects.get().after_id == articles[1].pk
    assert pending.process_batch()
    assert whole() == [True, True, True, True, False]
    assert pending.process_batch()  # the last, short batch ends the row
    assert whole() == [True] * 5 and not PendingReindex.objects.exists()
    assert not pending.process_batch()


def test_the_command_finishes_what_is_queued():
    article = make_article(title=f"{WORD}投放复盘")
    DictionaryWord.objects.create(word=WORD)
    out = io.StringIO()
    call_command("reindex_pending", stdout=out)
    assert indexed_whole(article) and "已处理 1 批" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_saving_process_reindexes_in_a_thread_after_the_commit(settings):
    settings.SEARCH_REINDEX_IN_BACKGROUND = True
    article = make_article(title=f"{WORD}投放复盘")
    DictionaryWord.objects.create(word=WORD)  # autocommit: the thread starts now
    thread = pending._state["thread"]
    assert thread is not None
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert indexed_whole(article) and not PendingReindex.objects.exists()
