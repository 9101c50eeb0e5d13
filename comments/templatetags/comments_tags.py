"""{% comment_section article %}: 留言与评论, the visible comments and the form."""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string

from articles.version import request_version, version

from ..forms import CommentForm

register = template.Library()

# Keyed on when the article's visible comments last changed, as read from
# the database with the article in this request (exact in every process),
# and on the content version; the lifetime only bounds memory use.
COMMENTS_SECONDS = 600

NOTICES = {"posted": "评论已发表,谢谢你的分享!", "pending": "评论已提交,审核后显示。"}


def visible_comments(article, content_version):
    """The article's visible comments, read again only after they change."""
    changed = article.comments_changed_at
    stamp = changed.timestamp() if changed else 0
    key = f"comments:visible:{content_version}:{article.pk}:{stamp}"
    comments = cache.get(key)
    if comments is None:
        comments = list(article.comments.visible())
        cache.set(key, comments, COMMENTS_SECONDS)
    return comments


@register.inclusion_tag("comments/block.html", takes_context=True)
def comment_section(context, article):
    """留言与评论: the visible comments and the form. On the shared (cacheable)
    page the form has no CSRF token or captcha; comments.js fetches both."""
    request = context.get("request")
    content_version = request_version(request) if request else version.current()
    notice = request.GET.get("comment") if request else None
    captcha = context.get("captcha")
    blank_form_html = None
    if captcha is None and context.get("comment_form") is None:
        # The blank form is the same for every reader of an article: render
        # its widgets once per content version instead of on every page.
        key = f"comments:blank-form:{content_version}:{article.pk}"
        blank_form_html = cache.get(key)
        if blank_form_html is None:
            blank_form_html = render_to_string(
                "comments/form.html", {"article": article, "form": CommentForm()}
            )
            cache.set(key, blank_form_html, COMMENTS_SECONDS)
    return {
        "blank_form_html": blank_form_html,
        "article": article,
        "comments": visible_comments(article, content_version),
        "form": context.get("comment_form") or (None if blank_form_html else CommentForm()),
        "captcha": context.get("captcha"),
        "notice": NOTICES.get(notice),
        "request": request,
        "csrf_token": context.get("csrf_token") if context.get("captcha") else None,
    }
