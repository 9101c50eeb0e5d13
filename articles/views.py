"""The reading site's pages: home, category, tag, article, site map, robots.txt.
(The search page is the search app's.)"""

import hashlib
import sys
from os.path import commonpath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.urls import reverse
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag, TaggedItem

from .links import absolute_url, page_path
from .models import Article, Category
from .pages import (
    PAGE_DATA_SECONDS,
    article_page_context,
    page_row,
    public_article,
    structured_data,
)
from .paging import ArticlePaginator, TagPaginator
from .reads import is_reader, reads
from .version import request_version

HOME_BLOCK_SIZE = 6


def counts_as_read(request) -> bool:
    """Only a GET by a human reader counts: not HEAD, crawlers or staff
    (the page cache's fast path applies the same rule to cache hits)."""
    return is_reader(request.META) and not request.user.is_staff


class ArticleListMixin:
    """Shared by every paginated list of published articles."""

    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = ArticlePaginator
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_list().newest()

    def get_paginator(self, queryset, per_page, **kwargs):
        # The list's length, counted once per content version (the address
        # hashed: a search's q is the reader's to make as long as they like).
        address = hashlib.blake2b(page_path(self.request, 1).encode(), digest_size=16).hexdigest()
        key = f"list:count:{request_version(self.request)}:{address}"
        return super().get_paginator(queryset, per_page, count_key=key, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(pagination_links(self.request, context.get("page_obj")))
        return context


def pagination_links(request, page):
    """Absolute <link rel="prev"/"next"> addresses of a paginated list."""
    if page is None:
        return {}

    def address(number):
        return absolute_url(request, page_path(request, number))

    return {
        "rel_prev": address(page.previous_page_number()) if page.has_previous() else "",
        "rel_next": address(page.next_page_number()) if page.has_next() else "",
    }


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        # pinned_first(), read as two index walks: the pinned, then the
        # others (SQLite would otherwise sort every article to take 20).
        size = settings.ARTICLES_PER_PAGE
        published = super().get_queryset()
        # (`__in`: SQLite gets `is_pinned IN (1)`, which an index can answer,
        # where a bare boolean column cannot.)
        pinned = list(published.filter(is_pinned__in=[True]).newest()[:size])
        others = published.filter(is_pinned__in=[False]).newest()[: size - len(pinned)]
        return pinned + list(others)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(is_home=True, **kwargs)
        categories = list(Category.objects.all())
        newest_per_category = (
            Article.objects.published()
            .newest_per_category([c.pk for c in categories], HOME_BLOCK_SIZE)
            .for_list()
        )
        by_category = {}
        for article in newest_per_category:
            by_category.setdefault(article.category_id, []).append(article)
        context["category_blocks"] = [
            (category, by_category[category.pk])
            for category in categories
            if category.pk in by_category
        ]
        return context


class CategoryView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category).pinned_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.category.name,
            category=self.category,
            description=self.category.description,
            **kwargs,
        )


class TagView(ArticleListMixin, ListView):
    paginator_class = TagPaginator

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        # The tag's article ids as a subquery, not taggit's join: on
        # PostgreSQL the join casts object_id, so the count and each page's
        # rows would read every link of the tag (22,755 for the most used).
        links = TaggedItem.objects.filter(
            tag=self.tag, content_type=ContentType.objects.get_for_model(Article)
        )
        return super().get_queryset().filter(pk__in=links.values("object_id"))

    def get_paginator(self, queryset, per_page, **kwargs):
        def published():
            return sum(category_sizes(request_version(self.request)).values())

        return super().get_paginator(
            queryset,
            per_page,
            tag_id=self.tag.pk,
            published=published,
            rows=super().get_queryset(),
            **kwargs,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"标签:{self.tag.name}",
            tag=self.tag,
            description=f"“{self.tag.name}”相关的电商运营文章",
            **kwargs,
        )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        if self.request.user.is_staff:  # drafts and scheduled previews, always fresh
            return get_object_or_404(
                Article.objects.select_related("category").prefetch_related("tags"),
                pk=self.kwargs["pk"],
            )
        return public_article(int(self.kwargs["pk"]), request_version(self.request))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.category.slug != kwargs["category"]:
            return redirect(self.object, permanent=True)
        if self.object.is_public and counts_as_read(request):
            reads.add(self.object.pk)
        self.object.views += reads.pending(self.object.pk)
        # For the page cache: what this page is rendered from, and its count.
        request.article_shown = (
            page_row(self.object.updated_at, self.object.comments_changed_at),
            self.object.views,
        )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        around = article_page_context(self.object, request_version(self.request))
        context = super().get_context_data(**around, **kwargs)
        context["structured_data"] = structured_data(self.request, self.object)
        return context


SITEMAP_PREVIEW = 10  # articles per category on the 网站地图's first page
SITEMAP_PAGE_SIZE = 200  # links on a page of one category's full list


class SiteMapView(TemplateView):
    """网站地图: every category with its size and newest articles, each
    leading to its full list (SiteMapCategoryView), so no page holds more
    than a few hundred links however large the site."""

    template_name = "articles/sitemap.html"

    def get_context_data(self, **kwargs):
        categories = list(Category.objects.all())
        counts = category_sizes(request_version(self.request))
        newest = (
            Article.objects.published()
            .newest_per_category([c.pk for c in categories], SITEMAP_PREVIEW)
            .select_related("category")
            .only("id", "title", "published_at", "category_id", "category__slug")
        )
        by_category = {}
        for article in newest:
            by_category.setdefault(article.category_id, []).append(article)
        sections = [
            (category, by_category.get(category.pk, []), counts.get(category.pk, 0))
            for category in categories
        ]
        return super().get_context_data(sections=sections, **kwargs)


def category_sizes(content_version):
    """{category id: published articles}, counted once per content version."""
    key = f"sitemap:sizes:{content_version}"
    sizes = cache.get(key)
    if sizes is None:
        rows = (
            Article.objects.published().order_by().values_list("category").annotate(n=Count("pk"))
        )
        sizes = dict(rows)
        cache.set(key, sizes, PAGE_DATA_SECONDS)
    return sizes


class SiteMapCategoryView(ListView):
    """One category's articles in the 网站地图, newest first, paginated."""

    template_name = "articles/sitemap_category.html"
    context_object_name = "articles"
    paginator_class = ArticlePaginator

    def get_paginate_by(self, queryset):
        return SITEMAP_PAGE_SIZE

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .filter(category=self.category)
            .select_related("category")
            .only("id", "title", "published_at", "category_id", "category__slug")
            .newest()
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        count = category_sizes(request_version(self.request)).get(self.category.pk, 0)
        kwargs.setdefault("count", count)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(category=self.category, **kwargs)
        context.update(pagination_links(self.request, context.get("page_obj")))
        return context


@require_safe
def robots_txt(request):
    sitemap_url = absolute_url(request, reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "Disallow: " + reverse("search:search"),  # the search app's page
        # Every comment address (/comments/...): captcha, form pages, posts.
        "Disallow: "
        + commonpath([reverse("comments:captcha"), reverse("comments:form", args=[1])])
        + "/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# The database cannot be reached (stopped, restarting, out of connections).
DATABASE_DOWN = (OperationalError, InterfaceError)
# How long a reader (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a database that cannot be reached is a styled 503 page
    (rendered from the template alone: no query, no cache), everything else
    Django's 500 page. A comment being posted is shown again on it."""
    if not isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return defaults.server_error(request)
    kept = ""
    if request.method == "POST":
        try:
            kept = request.POST.get("body", "")[:5000]
        except Exception:  # an unreadable body: nothing to keep
            kept = ""
    body = loader.get_template("503.html").render({"kept_text": kept})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
