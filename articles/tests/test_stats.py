"""Reads per article per day, for the dashboard."""

import pytest
from django.utils import timezone

from articles import stats
from articles.models import ArticleDailyReads
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_record_reads_adds_up_and_drops_deleted_articles():
    article = make_article()
    assert stats.record_reads({article.pk: 3, 999_999: 4}) == 3
    assert stats.record_reads({article.pk: 2}) == 2
    row = ArticleDailyReads.objects.get()
    assert (row.article, row.date, row.views) == (article, timezone.localdate(), 5)
