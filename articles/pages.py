"""The article page, assembled: the article as readers see it, what
surrounds it (上一篇 / 下一篇, 相关文章) and its JSON-LD. Used by the article
view and by the comments app, which shows the page again with a rejected
comment form."""

import json
from datetime import UTC

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from .links import absolute_url
from .models import Article
from .querysets import Status

# How long the per-article data below may sit in the cache. It is keyed on
# the content version, so this only bounds memory use, not staleness.
PAGE_DATA_SECONDS = 600


def _link(article):
    if article is None:
        return None
    return {
        "title": article.title,
        "url": article.get_absolute_url(),
        "published_at": article.published_at,
    }


def article_page_context(article, content_version):
    """What the article page shows around the article itself: 上一篇 / 下一篇
    and 相关文章. They change only with the content, so they are cached under
    the request's content version (any change anywhere makes them fresh)."""
    key = f"article:around:{content_version}:{article.pk}"
    around = cache.get(key)
    if around is None:
        previous, next_ = article.previous_and_next()
        related = (
            Article.objects.published()
            .for_list()
            .only("id", "title", "published_at", "category__slug")
            .related_to(article)
        )
        around = (_link(previous), _link(next_), [_link(a) for a in related])
        cache.set(key, around, PAGE_DATA_SECONDS)
    previous, next_, related = around
    return {"article": article, "previous": previous, "next": next_, "related": related}


# What is read afresh of a public article each time its page is shown, from
# the database or from the page cache (pagecache/wsgi.py): the read count,
# and the two moments that say whether a page rendered earlier still shows
# it as it is (an edit, a change in its visible comments).
FRESH_FIELDS = ("views", "updated_at", "comments_changed_at")


def _moment(value):
    """A stored moment as a POSIX timestamp (None stays None). The ORM gives
    aware datetimes; a raw SQLite cursor gives naive ones, in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def page_row(updated_at, comments_changed_at):
    """What a cached article page was rendered from, comparably."""
    return _moment(updated_at), _moment(comments_changed_at)


def article_state(pk):
    """(views, page_row) of a public article, or None when it is not public
    (any more). Called on every page-cache hit of an article, so it is one
    hand-written query by primary key (the ORM's own cost was ten times the
    query's); the publication rule is ArticleQuerySet.published()'s, and a
    test holds the two together."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, [pk, Status.PUBLISHED, _now_for_sql()])
        row = cursor.fetchone()
    if row is None:
        return None
    views, updated_at, comments_changed_at = row
    return views, page_row(updated_at, comments_changed_at)


_STATE_SQL = (
    f"SELECT {', '.join(FRESH_FIELDS)} FROM {Article._meta.db_table} "
    "WHERE id = %s AND status = %s AND published_at <= %s"
)


def _now_for_sql():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def public_article(pk, content_version):
    """A published article as readers see it, with its category and tags.

    Everything the page shows of it changes only with the content version
    (saving the article, its category or its tags bumps it), so it is
    cached under the request's version. Read again each time, in one query:
    the read count, which the read counter writes without bumping anything,
    and when its visible comments last changed (the comment list's key)."""
    key = f"article:page:{content_version}:{pk}"
    article = cache.get(key)
    if article is not None:
        row = Article.objects.published().filter(pk=pk).values_list(*FRESH_FIELDS).first()
        if row is None:  # unpublished or deleted in the second before we heard
            raise Http404
        article.views, article.updated_at, article.comments_changed_at = row
        return article
    article = get_object_or_404(
        Article.objects.published().select_related("category").prefetch_related("tags"), pk=pk
    )
    article.tag_links  # noqa: B018 (computed once, cached with the article)
    cache.set(key, article, PAGE_DATA_SECONDS)
    return article


def china_time(moment):
    return localtime(moment).replace(microsecond=0).isoformat()


def structured_data(request, article):
    """JSON-LD for search engines: the Article and its BreadcrumbList."""
    home = absolute_url(request, reverse("articles:home"))
    url = absolute_url(request, article.get_absolute_url())
    logo = absolute_url(request, static("img/apple-touch-icon.png"))
    site = {"@type": "Organization", "name": settings.SITE_NAME, "url": home}
    graph = [
        {
            "@type": "Article",
            "@id": url + "#article",
            "headline": article.title[:110],
            "description": article.description,
            "datePublished": china_time(article.published_at),
            "dateModified": china_time(max(article.updated_at, article.published_at)),
            "image": [absolute_url(request, article.cover.url) if article.cover else logo],
            "author": site,
            "publisher": {**site, "logo": {"@type": "ImageObject", "url": logo}},
            "mainEntityOfPage": url,
            "articleSection": article.category.name,
            "keywords": [name for name, _ in article.tag_links],
            "inLanguage": "zh-CN",
        },
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "首页", "item": home},
                {
                    "@type": "ListItem",
                    "position": 2,
                    "name": article.category.name,
                    "item": absolute_url(request, article.category.get_absolute_url()),
                },
                {"@type": "ListItem", "position": 3, "name": article.title, "item": url},
            ],
        },
    ]
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # Inside <script>, "</" and "<!--" must not appear; JSON allows \u escapes.
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return mark_safe(text)
