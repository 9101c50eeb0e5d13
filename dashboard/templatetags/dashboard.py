"""{% admin_dashboard %}: reads, the week's most read, comments waiting for
moderation and scheduled articles, each linking to where the editor acts."""

from datetime import timedelta

from django import template
from django.utils import timezone

from articles import stats
from articles.models import Article
from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def admin_dashboard(context):
    today = timezone.localdate()
    pending = Comment.objects.pending()
    return {
        "reads_today": stats.reads_between(today, today),
        "reads_week": stats.reads_between(today - timedelta(days=6), today),
        "most_read": list(stats.most_read(days=7, limit=10)),
        "pending_count": pending.count(),
        "pending_comments": list(
            pending.select_related("article").order_by("-created_at", "-id")[:5]
        ),
        "scheduled": list(Article.objects.scheduled().for_list().order_by("published_at")[:10]),
        "scheduled_count": Article.objects.scheduled().count(),
        "draft_count": Article.objects.drafts().count(),
        "request": context.get("request"),
    }
