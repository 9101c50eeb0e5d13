import json
from os.path import commonpath

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from .models import Article, Category
from .reads import is_reader, reads
from .version import request_version

HOME_BLOCK_SIZE = 6
SEARCH_MAX_LENGTH = 50


def counts_as_read(request) -> bool:
    """Only a GET by a human reader counts: not HEAD, crawlers or staff
    (the page cache's fast path applies the same rule to cache hits)."""
    return is_reader(request.META) and not request.user.is_staff


class ArticleListMixin:
    """Shared by every paginated list of published articles."""

    paginate_by = settings.ARTICLES_PER_PAGE
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_list().newest()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(pagination_links(self.request, context.get("page_obj")))
        return context


def pagination_links(request, page):
    """Absolute <link rel="prev"/"next"> addresses of a paginated list; page 1
    is the list's own address, without ?page=1 (its canonical address)."""
    if page is None:
        return {}

    def address(number):
        # Only what chooses the list (a search's q): a tracking tag such as
        # ?from=singlemessage must not spread to every cached page's links.
        params = QueryDict(mutable=True)
        if request.GET.get("q"):
            params["q"] = request.GET["q"]
        if number > 1:
            params["page"] = number
        query = params.urlencode()
        return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))

    return {
        "rel_prev": address(page.previous_page_number()) if page.has_previous() else "",
        "rel_next": address(page.next_page_number()) if page.has_next() else "",
    }


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset().pinned_first()[: settings.ARTICLES_PER_PAGE]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(is_home=True, **kwargs)
        categories = list(Category.objects.all())
        newest_per_category = (
            Article.objects.published()
            .for_list()
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=F("category_id"),
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(row__lte=HOME_BLOCK_SIZE)
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
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"标签:{self.tag.name}",
            tag=self.tag,
            description=f"“{self.tag.name}”相关的电商运营文章",
            **kwargs,
        )


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
        if not self.query:
            return Article.objects.none()
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


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
        row = Article.objects.published().filter(pk=pk).values_list("views", "comments_changed_at")
        row = row.first()
        if row is None:  # unpublished or deleted in the second before we heard
            raise Http404
        article.views, article.comments_changed_at = row
        return article
    article = get_object_or_404(
        Article.objects.published().select_related("category").prefetch_related("tags"), pk=pk
    )
    article.tag_links  # noqa: B018 (computed once, cached with the article)
    cache.set(key, article, PAGE_DATA_SECONDS)
    return article


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
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        around = article_page_context(self.object, request_version(self.request))
        context = super().get_context_data(**around, **kwargs)
        context["structured_data"] = structured_data(self.request, self.object)
        return context


def china_time(moment):
    return localtime(moment).replace(microsecond=0).isoformat()


def structured_data(request, article):
    """JSON-LD for search engines: the Article and its BreadcrumbList."""
    home = request.build_absolute_uri(reverse("articles:home"))
    url = request.build_absolute_uri(article.get_absolute_url())
    logo = request.build_absolute_uri(static("img/apple-touch-icon.png"))
    site = {"@type": "Organization", "name": settings.SITE_NAME, "url": home}
    graph = [
        {
            "@type": "Article",
            "@id": url + "#article",
            "headline": article.title[:110],
            "description": article.description,
            "datePublished": china_time(article.published_at),
            "dateModified": china_time(max(article.updated_at, article.published_at)),
            "image": [request.build_absolute_uri(article.cover.url) if article.cover else logo],
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
                    "item": request.build_absolute_uri(article.category.get_absolute_url()),
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


class SiteMapView(TemplateView):
    template_name = "articles/sitemap.html"

    def get_context_data(self, **kwargs):
        articles = (
            Article.objects.published()
            .select_related("category")
            .only("id", "title", "published_at", "category_id", "category__slug")
            .newest()
        )
        by_category = {}
        for article in articles:
            by_category.setdefault(article.category_id, []).append(article)
        sections = [
            (category, by_category.get(category.pk, [])) for category in Category.objects.all()
        ]
        return super().get_context_data(sections=sections, **kwargs)


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "Disallow: " + reverse("articles:search"),
        # Every comment address (/comments/...): captcha, form pages, posts.
        "Disallow: "
        + commonpath([reverse("comments:captcha"), reverse("comments:form", args=[1])])
        + "/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
