"""{% comment_section article %}: 留言与评论, the newest visible comments and the form."""

from types import SimpleNamespace

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.version import request_version, version

from ..forms import CommentForm

register = template.Library()

# Keyed on when the article's visible comments last changed, as read from
# the database with the article in this request (exact in every process),
# and on the content version; the lifetime only bounds memory use.
COMMENTS_SECONDS = 600

NOTICES = {"posted": "评论已发表,谢谢你的分享!", "pending": "评论已提交,审核后显示。"}


def comments_stamp(article):
    changed = article.comments_changed_at
    return changed.timestamp() if changed else 0


def visible_comments(article, content_version):
    """(count, newest): how many visible comments the article has and the
    newest COMMENTS_ON_ARTICLE_PAGE of them, oldest first, read again only
    after they change. Both come from the (article, status, created_at)
    index, so an article with 10,000 comments costs what one with 20 does."""
    key = f"comments:newest:{content_version}:{article.pk}:{comments_stamp(article)}"
    cached = cache.get(key)
    if cached is None:
        shown = settings.COMMENTS_ON_ARTICLE_PAGE
        visible = article.comments.visible()
        newest = list(visible.order_by("-created_at", "-id")[:shown])[::-1]
        count = len(newest) if len(newest) < shown else visible.count()
        cached = (count, newest)
        cache.set(key, cached, COMMENTS_SECONDS)
    return cached


# The blank form differs between articles only in the article's id: it is
# rendered once per content version for a stand-in article with this id,
# which each page replaces by its own. (comments/form.html may use only
# article.pk.)
FORM_ARTICLE_ID = "918273645546372819"


def blank_form(content_version):
    """The comment form as every reader first gets it, for the stand-in article."""
    key = f"comments:blank-form:{content_version}"
    html = cache.get(key)
    if html is None:
        stand_in = SimpleNamespace(pk=int(FORM_ARTICLE_ID))
        html = render_to_string("comments/form.html", {"article": stand_in, "form": CommentForm()})
        cache.set(key, html, COMMENTS_SECONDS)
    return html


@register.inclusion_tag("comments/block.html", takes_context=True)
def comment_section(context, article):
    """留言与评论: the newest visible comments and the form. On the shared
    (cacheable) page the form has no CSRF token or captcha; comments.js
    fetches both."""
    request = context.get("request")
    content_version = request_version(request) if request else version.current()
    notice = request.GET.get("comment") if request else None
    captcha = context.get("captcha")
    blank_form_html = None
    if captcha is None and context.get("comment_form") is None:
        # Our own template's output with a number put in: still safe HTML.
        blank_form_html = mark_safe(
            blank_form(content_version).replace(FORM_ARTICLE_ID, str(article.pk))
        )
    count, comments = visible_comments(article, content_version)
    return {
        "blank_form_html": blank_form_html,
        "article": article,
        "comment_count": count,
        "comments": comments,
        "more_comments": count > len(comments),
        "form": context.get("comment_form") or (None if blank_form_html else CommentForm()),
        "captcha": context.get("captcha"),
        "notice": NOTICES.get(notice),
        "request": request,
        "csrf_token": context.get("csrf_token") if context.get("captcha") else None,
    }
