"""The index follows every write path, in the writing transaction."""

import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from articles.tagging import merge_tags, tag_articles, tag_named
from articles.tests.admin import ADD, CHANGELIST, change_url, form_data
from articles.tests.factories import make_article, make_category
from search.models import SearchDocument

from .helpers import found_titles

pytestmark = pytest.mark.django_db


def run_action(admin_client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], "index": 0}
    data.update(extra)
    return admin_client.post(CHANGELIST, data, follow=True)


def test_saving_and_editing_an_article():
    article = make_article(title="主图怎么拍")
    assert found_titles("主图") == ["主图怎么拍"]
    article.title = "详情页怎么写"
    article.save()
    assert found_titles("主图") == [] and found_titles("详情页") == ["详情页怎么写"]


def test_saving_only_the_read_count_leaves_the_index_alone():
    article = make_article(title="主图怎么拍")
    with mock.patch("search.signals.reindex") as reindex:
        article.views = 5
        article.save(update_fields=["views"])
    reindex.assert_not_called()


def test_a_rolled_back_save_leaves_the_index_as_it_was():
    article = make_article(title="主图怎么拍")
    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "详情页怎么写"
        article.save()
        raise RuntimeError
    assert found_titles("主图") == ["主图怎么拍"] and found_titles("详情页") == []


def test_the_admins_add_and_change_forms(admin_client):
    category = make_category()
    admin_client.post(
        ADD, form_data(category, title="新手开店指南", tags="蓝海词", status="published")
    )
    article = Article.objects.get(title="新手开店指南")
    assert found_titles("蓝海词") == ["新手开店指南"]
    admin_client.post(
        change_url(article),
        form_data(category, title="新手开店指南", tags="长尾词", status="published"),
    )
    assert found_titles("蓝海词") == [] and found_titles("长尾词") == ["新手开店指南"]


def test_bulk_publish_and_unpublish(admin_client):
    draft = make_article(
        title="直通车草稿", status="draft", published_at=timezone.now() - timedelta(days=1)
    )
    assert found_titles("直通车") == []
    run_action(admin_client, "publish", [draft])
    assert found_titles("直通车") == ["直通车草稿"]
    run_action(admin_client, "unpublish", [draft])
    assert found_titles("直通车") == []


def test_bulk_tagging_and_merging(admin_client):
    a, b = make_article(title="甲文章"), make_article(title="乙文章", tags=["ztc"])
    run_action(admin_client, "add_tag", [a], tag="引力魔方")  # a bulk insert: no row signals
    assert found_titles("引力魔方") == ["甲文章"]
    tag_articles(tag=tag_named("万相台"), article_ids=[a.pk, b.pk])
    assert set(found_titles("万相台")) == {"甲文章", "乙文章"}
    merge_tags(sources=list(Tag.objects.filter(name="ztc")), target=tag_named("直通车"))
    assert found_titles("直通车") == ["乙文章"] and found_titles("ztc") == []


def test_renaming_and_deleting_a_tag(admin_client):
    make_article(title="甲文章", tags=["ztc"])
    tag = Tag.objects.get(name="ztc")
    admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "直通车", "slug": tag.slug}
    )
    assert found_titles("直通车") == ["甲文章"] and found_titles("ztc") == []
    Tag.objects.get(name="直通车").delete()
    assert found_titles("直通车") == []


def test_deleting_articles_one_by_one_in_bulk_and_in_the_admin(admin_client):
    one, two, three = (make_article(title=f"直通车第{n}篇") for n in "一二三")
    one.delete()
    Article.objects.filter(pk=two.pk).delete()
    admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [three.pk], "post": "yes"},
    )
    assert found_titles("直通车") == []
    assert not SearchDocument.objects.exists()


def test_the_import_command(tmp_path):
    line = {
        "title": "千牛工作台的快捷短语",
        "category": "tbyy",
        "category_name": "淘宝运营",
        "tags": ["客服"],
        "body_html": "<p>快捷短语让客服回复更快。</p>",
        "published_at": "2025-03-14T09:30:00+08:00",
        "source_url": "https://old.example.com/1.html",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert found_titles("快捷短语") == ["千牛工作台的快捷短语"]
    line["title"] = "千牛的自动回复"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert found_titles("自动回复") == ["千牛的自动回复"]
    assert found_titles("快捷短语") == ["千牛的自动回复"]  # still in the body


def test_a_scheduled_article_is_found_once_its_time_comes():
    make_article(title="直通车定时", published_at=timezone.now() + timedelta(hours=1))
    assert found_titles("直通车") == []
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("articles.querysets.timezone.now", return_value=later):
        assert found_titles("直通车") == ["直通车定时"]


def test_rebuild_search_index():
    make_article(title="直通车入门")
    make_article(title="主图")
    SearchDocument.objects.all().delete()  # as data changed outside the site would
    assert found_titles("直通车") == []
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "已重建 2 篇文章的搜索索引" in out.getvalue()
    assert "重建索引" in err.getvalue()  # the progress bar
    assert found_titles("直通车") == ["直通车入门"]


@pytest.mark.django_db(transaction=True)
def test_rebuilding_an_empty_index_indexes_after_the_load():
    """Outside a transaction an empty index is loaded first; on PostgreSQL
    its GIN indexes are then built, without a pending list."""
    make_article(title="直通车入门")
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert found_titles("直通车") == ["直通车入门"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reloptions FROM pg_class"
                " WHERE relname LIKE 'search_document_%%_idx' ORDER BY relname"
            )
            assert cursor.fetchall() == [
                ("search_document_head_idx", ["fastupdate=off"]),
                ("search_document_vector_idx", ["fastupdate=off"]),
            ]


@pytest.mark.django_db
def test_an_import_block_writes_each_document_once_at_its_end():
    from articles.signals import index_once_per_article

    with index_once_per_article():
        first = make_article(title="导入的第一篇", tags=["甲", "乙"])
        second = make_article(title="导入的第二篇")
        first.title = "导入的第一篇(改)"
        first.save()
        assert not SearchDocument.objects.exists()  # nothing written yet
    documents = dict(SearchDocument.objects.values_list("article_id", "title"))
    assert set(documents) == {first.pk, second.pk}
    assert "改" in documents[first.pk]
    assert "甲" in SearchDocument.objects.get(article_id=first.pk).tags


@pytest.mark.django_db
def test_a_failing_import_block_writes_no_document():
    from articles.signals import index_once_per_article

    with pytest.raises(RuntimeError), index_once_per_article():
        make_article(title="半途失败")
        raise RuntimeError
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_the_importers_chunk_writer_indexes_each_chunk_and_its_reruns():
    """articles/bulk.py writes rows without save(): each chunk's documents
    are written at its end, and a re-run's new title and tags replace the
    old ones (a dropped tag no longer finds the article)."""
    from articles.bulk import Entry, write_articles

    category = make_category()

    def entry(title, tags):
        return Entry(
            source_url="old:1",
            fields={"title": title, "body": "<p>正文</p>", "category": category,
                    "status": Article.Status.PUBLISHED,
                    "published_at": timezone.now() - timedelta(days=1)},
            tags=tags,
        )  # fmt: skip

    write_articles([entry("主图怎么拍", ["直通车"])])
    assert found_titles("主图") == ["主图怎么拍"] and found_titles("直通车") == ["主图怎么拍"]
    write_articles([entry("详情页怎么写", ["客服"])])
    assert found_titles("主图") == [] and found_titles("直通车") == []
    assert found_titles("详情页") == ["详情页怎么写"] and found_titles("客服") == ["详情页怎么写"]
