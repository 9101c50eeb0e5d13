"""The chunk writer the importers share (articles/bulk.py): what it writes
is what a save would have, in a number of queries that does not grow with
the chunk."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.bulk import Entry, write_articles
from articles.models import Article, ContentVersion

from .factories import make_category

pytestmark = pytest.mark.django_db


def entries(category, count, *, run="a", title="文章"):
    moment = timezone.now() - timedelta(days=1)
    return [
        Entry(
            source_url=f"old:{run}:{n}",
            fields={
                "title": f"{title}{n}",
                "body": f"<p>第{n}篇的正文</p><script>x()</script>",
                "published_at": moment,
                "status": Article.Status.PUBLISHED,
                "category": category,
                "views": n,
            },
            # a tag shared by the chunk, one of each article's own
            tags=[f"共同{run}", f"标签{run}{n}"],
        )
        for n in range(count)
    ]


def queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_the_queries_of_a_chunk_do_not_grow_with_its_size(django_capture_on_commit_callbacks):
    category = make_category()
    write_articles(entries(category, 1, run="warm"))  # what a process reads once
    # New articles with new tags, then the same again as a re-run that
    # changes every article and swaps one tag each.
    small = queries(lambda: write_articles(entries(category, 3, run="s")))
    large = queries(lambda: write_articles(entries(category, 15, run="l")))
    assert small == large
    again_small = entries(category, 3, run="s", title="改过")
    again_large = entries(category, 15, run="l", title="改过")
    for entry in again_small + again_large:
        entry.tags[1] += "新"
    assert queries(lambda: write_articles(again_small)) == queries(
        lambda: write_articles(again_large)
    )
    assert Article.objects.count() == 19


def test_what_a_chunk_writes_is_what_a_save_would(django_capture_on_commit_callbacks):
    category = make_category(name="拼多多")
    before = ContentVersion.objects.get().version
    with django_capture_on_commit_callbacks(execute=True):
        results = write_articles(entries(category, 2))
    assert [outcome for outcome, _ in results] == ["created", "created"]
    assert ContentVersion.objects.get().version == before + 1
    article = Article.objects.get(source_url="old:a:1")
    assert "<script>" not in article.body and article.body_text == "第1篇的正文"
    assert article.seo_title == "文章1" and article.seo_description == "第1篇的正文"
    assert article.seo_keywords == "共同a,标签a1"
    assert sorted(article.tags.names()) == ["共同a", "标签a1"]
    assert article.views == 1 and article.created_at and article.updated_at


def test_a_rerun_updates_keyed_on_source_url_and_drops_old_tags():
    category = make_category()
    write_articles(entries(category, 2))
    first = Article.objects.get(source_url="old:a:0")
    again = entries(category, 2, title="改过")
    again[0].tags = ["共同A", "别的"]  # letter case: the same tag
    results = write_articles(again)
    assert [outcome for outcome, _ in results] == ["updated", "updated"]
    assert Article.objects.count() == 2
    article = Article.objects.get(pk=first.pk)
    assert article.title == "改过0" and article.created_at == first.created_at
    assert sorted(article.tags.names()) == ["共同a", "别的"]
    assert not Tag.objects.filter(name="共同A").exists()


def test_skip_existing_leaves_an_article_alone():
    category = make_category()
    write_articles(entries(category, 1))
    results = write_articles(entries(category, 1, title="改过"), skip_existing=True)
    assert results[0][0] == "skipped"
    assert Article.objects.get().title == "文章0"


def test_a_tag_whose_slug_is_taken_gets_another():
    category = make_category()
    Tag.objects.create(name="其他", slug="seo")
    entry = entries(category, 1)[0]
    entry.tags = ["SEO"]
    write_articles([entry])
    tag = Tag.objects.get(name="SEO")
    assert tag.slug != "seo" and tag.slug.startswith("seo")


def test_two_new_tags_of_one_chunk_with_the_same_slug_each_get_one():
    category = make_category()
    first, second = entries(category, 2)
    first.tags, second.tags = ["双 11"], ["双-11"]
    write_articles([first, second])
    slugs = sorted(Tag.objects.filter(name__in=["双 11", "双-11"]).values_list("slug", flat=True))
    assert len(slugs) == 2 and len(set(slugs)) == 2


def test_keywords_from_the_tags_stop_at_the_last_whole_name_that_fits():
    category = make_category()
    fits, too_long = entries(category, 2)
    fits.tags = ["a" * 100, "b" * 99]  # "a...a,b...b": exactly 200 characters
    too_long.tags = ["c" * 100, "d" * 100]  # 201: only the first fits
    write_articles([fits, too_long])
    by_title = dict(Article.objects.values_list("title", "seo_keywords"))
    assert by_title["文章0"] == "a" * 100 + "," + "b" * 99
    assert by_title["文章1"] == "c" * 100


def test_a_rerun_leaves_tag_links_of_other_kinds_of_object_alone():
    """Tag links are generic: a link of another model with the same object
    id is not one of the article's links, and survives its re-import."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    category = make_category()
    ((_, article),) = write_articles(entries(category, 1))
    other_kind = ContentType.objects.get_for_model(type(category))
    TaggedItem.objects.create(
        tag=Tag.objects.create(name="分类的标签"), content_type=other_kind, object_id=article.pk
    )
    write_articles(entries(category, 1, title="改过"))  # a re-run with other tags
    assert TaggedItem.objects.filter(content_type=other_kind, object_id=article.pk).exists()


class Recorder:
    """A Chunks writer that records each chunk and fails on rows named "bad"."""

    def __init__(self):
        self.chunks, self.done, self.failed = [], [], []

    def write(self, rows):
        self.chunks.append(list(rows))
        if "bad" in rows:
            raise ValueError("坏行")
        return list(rows)

    def chunker(self, size=10):
        from articles.bulk import Chunks

        return Chunks(
            self.write,
            done=self.done.append,
            fail=lambda row, error: self.failed.append((row, str(error))),
            size=size,
        )


def test_rows_gather_into_one_chunk_until_it_is_full():
    recorder = Recorder()
    chunks = recorder.chunker(size=2)
    chunks.add("r1")
    chunks.add("r2")  # the chunk is full: written now
    assert recorder.chunks == [["r1", "r2"]]
    chunks.add("r3")
    chunks.add("r4", key="k4")
    chunks.add("r5", key="k5")  # distinct keys share a chunk
    chunks.flush()
    assert recorder.chunks == [["r1", "r2"], ["r3", "r4"], ["r5"]]


def test_rows_without_a_key_never_start_a_new_chunk():
    recorder = Recorder()
    chunks = recorder.chunker()
    for row in ("r1", "r2", "r3"):
        chunks.add(row)
    chunks.flush()
    assert recorder.chunks == [["r1", "r2", "r3"]]


def test_a_key_seen_again_starts_a_new_chunk():
    recorder = Recorder()
    chunks = recorder.chunker()
    chunks.add("first", key="old:1")
    chunks.add("other", key="old:2")
    chunks.add("again", key="old:1")  # the same article: after the first is written
    chunks.flush()
    assert recorder.chunks == [["first", "other"], ["again"]]


def test_a_refused_chunk_is_written_again_row_by_row_and_the_bad_row_named():
    recorder = Recorder()
    chunks = recorder.chunker()
    for row in ("r1", "bad", "r3"):
        chunks.add(row)
    chunks.flush()
    assert recorder.chunks == [["r1", "bad", "r3"], ["r1"], ["bad"], ["r3"]]
    assert recorder.failed == [("bad", "坏行")]
    assert recorder.done == [["r1"], ["r3"]]


def test_a_refused_single_row_is_named_once_without_a_second_try():
    recorder = Recorder()
    chunks = recorder.chunker()
    chunks.add("bad")
    chunks.flush()
    assert recorder.chunks == [["bad"]]
    assert recorder.failed == [("bad", "坏行")] and recorder.done == []
