"""Addresses and form data shared by the admin tests."""

from django.urls import reverse
from django.utils import timezone

CHANGELIST = reverse("admin:articles_article_changelist")

ADD = reverse("admin:articles_article_add")

UPLOAD = reverse("admin:articles_article_upload_image")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(category, **overrides):
    now = timezone.localtime()
    data = {
        "title": "直通车新手怎么开",
        "category": category.pk,
        "tags": "直通车, 推广",
        "body": "<h2>一、先看数据</h2><p>1、打开后台</p><p class='tip'>温馨提示:先小预算。</p>",
        "summary": "",
        "status": "draft",
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "seo_title": "",
        "seo_keywords": "",
        "seo_description": "",
        "source_url": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]]
