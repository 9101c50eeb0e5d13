"""Comment posting, the captcha endpoint, the no-JavaScript form page, an
article's full comment list and the CSRF failure page."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from articles.limits import client_ip
from articles.models import Article
from articles.pages import article_page_context
from articles.paging import ArticlePaginator
from articles.version import request_version

from . import proof
from .captcha import captcha_check, captcha_create
from .forms import CommentForm
from .models import Comment
from .services import (
    HELD_WITHOUT_CAPTCHA,
    comment_create,
    rate_limit_attempt,
    without_captcha_queue_full,
)
from .templatetags.comments_tags import comments_stamp


def _public_article(article_id):
    return get_object_or_404(Article.objects.published().select_related("category"), pk=article_id)


CAPTCHA_TOO_OFTEN = "请求太频繁,请稍后再试。"
WITHOUT_CAPTCHA_TOO_OFTEN = "不填验证码的评论已提交太多次,请稍后再试,或填写图片中的验证码后提交。"
WITHOUT_CAPTCHA_QUEUE_FULL = (
    "现在等待人工审核的评论太多,暂时不能不填验证码提交。请稍后再试,或填写图片中的验证码后提交。"
)

# Why a comment's proof of work was refused, as the reader reads it.
POW_REFUSED = {
    proof.MISSING: "发表评论需要浏览器开启 JavaScript,页面会自动完成一次防垃圾验证。"
    "请开启后稍等片刻再提交。",
    proof.EXPIRED: "防垃圾验证已过期,页面已重新验证,请再提交一次。",
    proof.REUSED: "这次防垃圾验证已经用过了,页面已重新验证,请再提交一次。",
    proof.FORGED: "防垃圾验证未通过,页面已重新验证,请再提交一次。",
    proof.OTHER_ARTICLE: "防垃圾验证与本文不符,页面已重新验证,请再提交一次。",
}


def _article_id(value):
    """The article a challenge is for, from ?article= (0 when absent)."""
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


def _new_captcha(request):
    """(key, image) of a new challenge, or None when this address has asked
    for too many: every way to get a captcha image counts towards one limit."""
    if rate_limit_attempt(client_ip(request), scope="captcha", limit=settings.CAPTCHA_RATE_LIMIT):
        return None
    return captcha_create()


def _pow_challenge(article_id):
    return proof.pow_create(article_id=article_id) if settings.COMMENT_POW else None


def _fresh_captcha(request, article, form=None):
    """A new challenge for a form page, and the form's captcha fields reset
    to it; past the limit, no image and a message instead. With it, a new
    proof-of-work challenge for the page's script."""
    key, image = _new_captcha(request) or ("", "")
    if form is not None and form.is_bound:
        form.data = form.data.copy()
        form.data["captcha"] = ""
        form.data["captcha_key"] = key
    get_token(request)
    challenge = _pow_challenge(article.pk)
    return {
        "key": key,
        "image": image,
        "error": "" if key else CAPTCHA_TOO_OFTEN,
        "pow": json.dumps(challenge) if challenge else "",
    }


def _show_form_again(request, article, form, status):
    """The article page again, with the reader's text and the errors."""
    context = article_page_context(article, request_version(request))
    context.update(comment_form=form, captcha=_fresh_captcha(request, article, form))
    response = render(request, "articles/article_detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def captcha_new(request):
    """A new captcha, a CSRF token and a proof-of-work challenge for the
    comment form of ?article= (never cached)."""
    captcha = _new_captcha(request)
    if captcha is None:
        return JsonResponse({"error": CAPTCHA_TOO_OFTEN}, status=429)
    key, image = captcha
    challenge = _pow_challenge(_article_id(request.GET.get("article")))
    return JsonResponse(
        {"key": key, "image": image, "csrf_token": get_token(request), "pow": challenge}
    )


@never_cache
def comment_form_page(request, article_id):
    """The form on a page of its own, for readers without JavaScript."""
    article = _public_article(article_id)
    form = CommentForm()
    context = {
        "article": article,
        "comment_form": form,
        "captcha": _fresh_captcha(request, article),
    }
    return render(request, "comments/form_page.html", context)


class CommentListView(ListView):
    """All of an article's visible comments, oldest first, a page at a time
    (the article page shows only the newest). A page's ids come from the
    (article, status, created_at) index and the count is cached until the
    comments change, so page 200 costs what page 1 does."""

    template_name = "comments/list.html"
    context_object_name = "comments"
    paginator_class = ArticlePaginator

    def get_paginate_by(self, queryset):
        return settings.COMMENTS_PER_PAGE

    def get_queryset(self):
        self.article = _public_article(self.kwargs["article_id"])
        return self.article.comments.visible().order_by("created_at", "id")

    def get_paginator(self, queryset, per_page, **kwargs):
        key = f"comments:count:{self.article.pk}:{comments_stamp(self.article)}"
        return super().get_paginator(queryset, per_page, count_key=key, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)


@require_POST
def comment_post(request, article_id):
    article = _public_article(article_id)
    form = CommentForm(request.POST)
    ip = client_ip(request)
    wait = rate_limit_attempt(ip)
    if wait:
        form.is_valid()
        form.add_error(None, f"评论太频繁了,请 {max(1, round(wait / 60))} 分钟后再试。")
        return _show_form_again(request, article, form, status=429)
    if settings.COMMENT_POW:
        refused = proof.pow_verify(request.POST.get("altcha", ""), article_id=article.pk)
        if refused:
            form.is_valid()
            form.add_error(None, POW_REFUSED[refused])
            return _show_form_again(request, article, form, status=400)
    without_captcha = bool(request.POST.get("without_captcha"))
    if without_captcha:
        # The reader cannot read the picture: no answer asked for, and a
        # moderator decides instead (the comment always waits). Past this
        # way's own limit, or with the moderators' queue of such comments
        # full (many addresses at once), the reader must answer the picture.
        wait = rate_limit_attempt(
            ip, scope="without-captcha", limit=settings.COMMENT_WITHOUT_CAPTCHA_RATE_LIMIT
        )
        if wait or without_captcha_queue_full():
            form.is_valid()
            form.add_error(None, WITHOUT_CAPTCHA_TOO_OFTEN if wait else WITHOUT_CAPTCHA_QUEUE_FULL)
            return _show_form_again(request, article, form, status=429)
        captcha_ok = True
    else:
        captcha_ok = captcha_check(
            key=request.POST.get("captcha_key", ""), answer=request.POST.get("captcha", "")
        )
    if request.POST.get("website"):
        captcha_ok = False  # the honeypot: same answer as a wrong captcha
    if form.is_valid() and captcha_ok:
        comment = comment_create(
            article=article,
            nickname=form.cleaned_data["nickname"],
            body=form.cleaned_data["body"],
            ip=ip,
            user_agent=request.headers.get("User-Agent", ""),
            hold=[HELD_WITHOUT_CAPTCHA] if without_captcha else (),
        )
        notice = "posted" if comment.status == Comment.Status.APPROVED else "pending"
        return redirect(f"{article.get_absolute_url()}?comment={notice}#comments")
    if not captcha_ok:
        form.reject_captcha()
    return _show_form_again(request, article, form, status=400)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A failed CSRF check. On the comment form the reader keeps the text."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match and match.view_name == "comments:post" and request.method == "POST":
        article = _public_article(match.kwargs["article_id"])
        form = CommentForm(request.POST)
        form.is_valid()
        form.add_error(None, "页面停留太久,安全校验已失效。请重新输入验证码后再提交。")
        return _show_form_again(request, article, form, status=403)
    return render(request, "403_csrf.html", status=403)
