from django import template
from django.core.cache import cache

from ..models import Article, Category

register = template.Library()

POPULAR_SIZE = 10
FRAGMENT_SECONDS = 60


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context):
    """The navigation bar: 首页 and one entry per category."""
    categories = cache.get("nav:categories")
    if categories is None:
        categories = [(c.name, c.get_absolute_url(), c.pk) for c in Category.objects.all()]
        cache.set("nav:categories", categories, FRAGMENT_SECONDS)
    current = context.get("category") or getattr(context.get("article"), "category", None)
    return {
        "categories": categories,
        "current_pk": getattr(current, "pk", None),
        "is_home": context.get("is_home", False),
    }


@register.inclusion_tag("includes/popular.html")
def popular_articles(exclude=None):
    """热门内容: the most-read published articles, never the one being read."""
    entries = cache.get("sidebar:popular")
    if entries is None:
        entries = [
            {"pk": a.pk, "title": a.title, "url": a.get_absolute_url(), "excerpt": a.excerpt}
            for a in Article.objects.published().for_list().popular()[: POPULAR_SIZE + 1]
        ]
        cache.set("sidebar:popular", entries, FRAGMENT_SECONDS)
    exclude_pk = getattr(exclude, "pk", None)
    return {"entries": [e for e in entries if e["pk"] != exclude_pk][:POPULAR_SIZE]}
