from django import template
from django.core.cache import cache
from django.template.loader import render_to_string

from articles.pagecache import version

from ..forms import CommentForm

register = template.Library()

# Keyed on the article's comment stamp, which changes with every change to
# its visible comments; the lifetime only bounds memory use.
COMMENTS_SECONDS = 600

NOTICES = {"posted": "评论已发表,谢谢你的分享!", "pending": "评论已提交,审核后显示。"}


def visible_comments(article):
    """The article's visible comments, read again only after they change."""
    key = f"comments:visible:{article.pk}:{version.article_stamp(article.pk)}"
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
    notice = request.GET.get("comment") if request else None
    captcha = context.get("captcha")
    blank_form_html = None
    if captcha is None and context.get("comment_form") is None:
        # The blank form is the same for every reader of an article: render
        # its widgets once per content version instead of on every page.
        key = f"comments:blank-form:{version.current()}:{article.pk}"
        blank_form_html = cache.get(key)
        if blank_form_html is None:
            blank_form_html = render_to_string(
                "comments/form.html", {"article": article, "form": CommentForm()}
            )
            cache.set(key, blank_form_html, 600)
    return {
        "blank_form_html": blank_form_html,
        "article": article,
        "comments": visible_comments(article),
        "form": context.get("comment_form") or (None if blank_form_html else CommentForm()),
        "captcha": context.get("captcha"),
        "notice": NOTICES.get(notice),
        "request": request,
        "csrf_token": context.get("csrf_token") if context.get("captcha") else None,
    }
