"""The article list's bulk actions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from articles.tests.admin import CHANGELIST, messages_of
from articles.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def run_action(admin_client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], "index": 0}
    data.update(extra)
    return admin_client.post(CHANGELIST, data, follow=True)


def test_bulk_publish_and_unpublish(admin_client, admin_user):
    drafts = [
        make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=9))
        for _ in range(2)
    ]
    future = make_article(
        status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(days=2)
    )
    response = run_action(admin_client, "publish", [*drafts, future])
    assert "已发布 3 篇文章。其中 1 篇的发布时间在将来,到时间后自动上线。" in messages_of(response)
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.is_public and timezone.now() - draft.published_at < timedelta(minutes=1)
        assert draft.updated_by == admin_user
    future.refresh_from_db()
    assert future.status == Article.Status.PUBLISHED and not future.is_public

    response = run_action(admin_client, "unpublish", drafts)
    assert "已将 2 篇文章撤回为草稿,读者看不到了。" in messages_of(response)
    assert not Article.objects.published().filter(pk__in=[d.pk for d in drafts]).exists()


def test_bulk_move_to_category(admin_client):
    articles = [make_article() for _ in range(3)]
    target = make_category(name="拼多多")
    response = run_action(admin_client, "move_to_category", articles[:2], category=target.pk)
    assert "已将 2 篇文章移动到分类“拼多多”。" in messages_of(response)
    assert set(target.articles.all()) == set(articles[:2])
    response = run_action(admin_client, "move_to_category", articles[2:])
    assert "请先在操作旁边的“目标分类”里选择一个分类。" in messages_of(response)
    articles[2].refresh_from_db()
    assert articles[2].category != target


def test_bulk_add_tag(admin_client):
    tagged = make_article(tags=["双十一"])
    plain = make_article()
    response = run_action(admin_client, "add_tag", [tagged, plain], tag="双十一")
    assert "已给 1 篇文章添加标签“双十一”(1 篇原来就有)。" in messages_of(response)
    assert list(plain.tags.names()) == ["双十一"] and Tag.objects.count() == 1
    response = run_action(admin_client, "add_tag", [plain], tag="  ")
    assert "请先在操作旁边的“标签”框里填写要添加的标签。" in messages_of(response)
