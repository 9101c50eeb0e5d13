"""The admin index: the site name, and the dashboard of reads, comments and schedules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import stats
from articles.tests.admin import change_url
from articles.tests.factories import make_article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_admin_speaks_chinese_and_carries_the_site_name(admin_client, settings):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f"<title>内容管理 | {settings.SITE_NAME}</title>" in html
    assert f'<a href="/admin/">{settings.SITE_NAME}</a>' in html
    assert "最近动作" in html and "文章" in html


def test_dashboard_shows_reads_popular_pending_comments_and_scheduled(admin_client):
    read = make_article(title="本周最热的文章")
    other = make_article(title="读得少的文章")
    today = timezone.localdate()
    stats.record_reads({read.pk: 30, other.pk: 2})
    stats.record_reads({read.pk: 5}, day=today - timedelta(days=3))
    stats.record_reads({other.pk: 100}, day=today - timedelta(days=10))  # not this week
    Comment.objects.create(article=read, nickname="小王", body="等待审核的评论")
    Comment.objects.create(article=read, body="已通过", status=Comment.Status.APPROVED)
    later = make_article(title="明早发布的文章", published_at=timezone.now() + timedelta(hours=12))

    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<span class="number">32</span><span class="label">今日阅读</span>' in html
    assert '<span class="number">37</span><span class="label">近 7 天阅读</span>' in html
    popular = html[html.index('id="dashboard-popular"') :]
    assert popular.index("本周最热的文章") < popular.index("读得少的文章")
    assert "35 次" in popular and "2 次" in popular
    assert f'href="{change_url(read)}"' in popular
    assert '<span class="number">1</span><span class="label">条评论待审核</span>' in html
    assert "等待审核的评论" in html and "已通过" not in html
    assert "/admin/comments/comment/?status__exact=pending" in html
    scheduled = html[html.index('id="dashboard-scheduled"') :]
    assert "明早发布的文章" in scheduled and f'href="{change_url(later)}"' in scheduled
    assert '<span class="number">1</span><span class="label">篇定时发布</span>' in html


def test_dashboard_counts_every_scheduled_article_though_it_lists_ten(admin_client):
    for hours in range(1, 13):
        make_article(published_at=timezone.now() + timedelta(hours=hours))
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<span class="number">12</span><span class="label">篇定时发布</span>' in html
    listed = html[html.index('id="dashboard-scheduled"') :].split("</table>")[0]
    assert listed.count("<tr") == 10
