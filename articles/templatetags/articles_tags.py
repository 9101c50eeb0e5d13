"""The reading site's template tags: navigation, 热门内容, 推荐阅读, absolute and page addresses."""

from django import template
from django.core.cache import cache

from .. import links
from ..models import Article, Category
from ..querysets import ids_in_any
from ..version import version

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """{% absolute_url path %}: `path` as an absolute URL (og:image, og:url)."""
    return links.absolute_url(context["request"], path)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """{% page_url n %}: the address of page n of the list being shown."""
    return links.page_path(context["request"], number)


POPULAR_SIZE = 10
# Fragments are keyed on the content version, so any change shows at once;
# the lifetime only bounds how stale the 热门内容 order (read counts) can be.
FRAGMENT_SECONDS = 60


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context):
    """The navigation bar: 首页 and one entry per category."""
    key = f"nav:categories:{version.current()}"
    categories = cache.get(key)
    if categories is None:
        categories = [(c.name, c.get_absolute_url(), c.pk) for c in Category.objects.all()]
        cache.set(key, categories, FRAGMENT_SECONDS)
    current = context.get("category") or getattr(context.get("article"), "category", None)
    return {
        "categories": categories,
        "current_pk": getattr(current, "pk", None),
        "is_home": context.get("is_home", False),
    }


def _popular_entry(article):
    return {
        "pk": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "excerpt": article.excerpt,
    }


@register.inclusion_tag("includes/popular.html")
def popular_articles(exclude=None):
    """热门内容: the most-read published articles, never the one being read."""
    key = f"sidebar:popular:{version.current()}"
    entries = cache.get(key)
    if entries is None:
        entries = [
            _popular_entry(a)
            for a in Article.objects.published().for_list().popular().top(POPULAR_SIZE + 1)
        ]
        cache.set(key, entries, FRAGMENT_SECONDS)
    exclude_pk = getattr(exclude, "pk", None)
    return {"entries": [e for e in entries if e["pk"] != exclude_pk][:POPULAR_SIZE]}


RECOMMENDED_SIZE = 6


@register.simple_tag
def recommended_articles():
    """推荐阅读: the newest published articles the editors flagged 推荐
    (`{% recommended_articles as entries %}`, on the home page).

    The home page also shows 热门内容, so the two lists are read together
    (their ids in one query, then the rows): every
    article that is among the most read or the newest recommended, most
    read first. Its first rows are exactly the most read; its recommended
    rows, newest first, start with exactly the newest recommended."""
    current = version.current()
    key = f"home:recommended:{current}"
    entries = cache.get(key)
    if entries is None:
        published = Article.objects.published()
        ids = ids_in_any(
            published.popular().values_list("pk", flat=True)[: POPULAR_SIZE + 1],
            published.recommended().values_list("pk", flat=True)[:RECOMMENDED_SIZE],
        )
        rows = list(published.for_list().filter(pk__in=ids).popular())
        popular_key = f"sidebar:popular:{current}"
        if cache.get(popular_key) is None:
            popular = [_popular_entry(a) for a in rows[: POPULAR_SIZE + 1]]
            cache.set(popular_key, popular, FRAGMENT_SECONDS)
        recommended = sorted(
            (a for a in rows if a.is_recommended),
            key=lambda a: (a.published_at, a.pk),
            reverse=True,
        )[:RECOMMENDED_SIZE]
        entries = [{"title": a.title, "url": a.get_absolute_url()} for a in recommended]
        cache.set(key, entries, FRAGMENT_SECONDS)
    return entries
