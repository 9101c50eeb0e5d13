"""Small factories for test data."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category

_numbers = itertools.count(1)


def make_category(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"分类{number}")
    fields.setdefault("slug", f"cat{number}")
    return Category.objects.create(**fields)


def make_article(*, category=None, tags=(), **fields):
    number = next(_numbers)
    fields.setdefault("title", f"测试文章{number}")
    fields.setdefault("body", f"<p>第{number}篇文章的正文,讲开店的经验。</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1, minutes=number))
    article = Article.objects.create(category=category or make_category(), **fields)
    if tags:
        article.tags.set(list(tags))
    return article


def image_file(name="cover.jpg", size=(320, 180), color=(228, 72, 12), kind="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
