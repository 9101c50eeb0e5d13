from django import template

from ..forms import CommentForm

register = template.Library()

NOTICES = {"posted": "评论已发表,谢谢你的分享!", "pending": "评论已提交,审核后显示。"}


@register.inclusion_tag("comments/block.html", takes_context=True)
def comment_section(context, article):
    """留言与评论: the visible comments and the form. On the shared (cacheable)
    page the form has no CSRF token or captcha; comments.js fetches both."""
    request = context.get("request")
    notice = request.GET.get("comment") if request else None
    return {
        "article": article,
        "comments": list(article.comments.visible()),
        "form": context.get("comment_form") or CommentForm(),
        "captcha": context.get("captcha"),
        "notice": NOTICES.get(notice),
        "request": request,
        "csrf_token": context.get("csrf_token") if context.get("captcha") else None,
    }
