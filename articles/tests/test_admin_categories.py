"""Categories in the admin: deletion refused while they hold articles, slugs checked."""

import pytest
from django.urls import reverse

from articles.models import Category
from articles.tests.admin import messages_of
from articles.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def test_deleting_a_category_with_articles_is_refused_clearly(admin_client, category):
    make_article(category=category)
    make_article(category=category)
    url = reverse("admin:articles_category_delete", args=[category.pk])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "不能删除分类“淘宝运营”:它下面还有 2 篇文章。请先在文章列表里选中这些文章,"
        "用批量操作“移动到分类”把它们移走,再删除这个分类。"
    ]
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert Category.objects.filter(pk=category.pk).exists()


def test_bulk_delete_removes_only_empty_categories(admin_client, category):
    make_article(category=category)
    empty = make_category(name="空分类")
    response = admin_client.post(
        reverse("admin:articles_category_changelist"),
        {"action": "delete_empty_categories", "_selected_action": [category.pk, empty.pk]},
        follow=True,
    )
    assert "已删除 1 个分类:空分类。" in messages_of(response)
    assert any("不能删除分类“淘宝运营”" in m for m in messages_of(response))
    assert list(Category.objects.all()) == [category]


def test_an_empty_category_can_be_deleted(admin_client):
    empty = make_category(name="空分类")
    url = reverse("admin:articles_category_delete", args=[empty.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("淘宝", "只能使用小写英文字母、数字和连字符"),
        ("Tao Bao", "只能使用小写英文字母、数字和连字符"),
        ("admin", "是网站保留的地址"),
        ("tbyy", "具有 网址别名 的 分类 已存在"),
    ],
)
def test_category_slug_is_validated(admin_client, category, slug, message):
    response = admin_client.post(
        reverse("admin:articles_category_add"), {"name": "新分类", "slug": slug, "order": 0}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Category.objects.count() == 1
