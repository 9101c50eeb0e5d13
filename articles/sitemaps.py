"""The XML sitemaps for search engines: articles and categories.

Django's sitemap framework gives the index (/sitemap.xml) and the classes;
a section is written here (`section`), because Django's view renders every
URL through reverse() and a template, from model instances: 10,000
articles took 1.7 s of CPU. Here a section is read from one covering index
as tuples and each URL filled into one reversed address (addresses.py).
"""

from html import escape

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .addresses import article_path
from .links import absolute_url
from .models import Article, Category
from .pages import PAGE_DATA_SECONDS
from .paging import CachedCountPaginator
from .version import version


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    # Sections small enough for every Chinese search engine (Baidu takes up
    # to 50,000 URLs and 10 MB a file, Toutiao 10,000 entries) and for one
    # request: a section of 2,000 is written in about 25 ms where one of
    # 10,000 took 120 ms or more. 500,000 articles make 250 sections.
    limit = 2_000

    def items(self):
        # Tuples, not models: a section is 2,000 of them.
        return (
            Article.objects.published()
            .order_by("id")
            .values_list("id", "category__slug", "updated_at")
        )

    @property
    def paginator(self):
        # Read from the article_sitemap_idx index alone (id order, with the
        # publish time, lastmod and category: no row of 3 KB bodies is
        # read); counted once per content version.
        key = f"sitemap:articles:count:{version.current()}"
        return CachedCountPaginator(self.items(), self.limit, count_key=key)

    def lastmod(self, item):
        return item[2]

    def paths(self, items):
        """(path, lastmod) of each article: the detail address reversed once
        and filled in, not reversed for each article."""
        path = article_path.filler()
        for article_id, category_slug, updated_at in items:
            yield path(category=category_slug, pk=article_id), updated_at

    def get_latest_lastmod(self):
        return latest_change()


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        # The newest change among what readers see: not drafts or scheduled.
        newest_change = (
            Article.objects.published()
            .filter(category=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return Category.objects.annotate(last_change=Subquery(newest_change)).order_by(
            "order", "id"
        )

    def lastmod(self, item):
        return item.last_change

    def paths(self, items):
        for item in items:
            yield item.get_absolute_url(), item.last_change

    def get_latest_lastmod(self):
        return latest_change()


def latest_change():
    """The newest updated_at among live articles: the index's lastmod of
    both sections, read once per content version (an edit, a publication or
    a removal bumps it). From the articles alone: the section's items() join
    the categories, and PostgreSQL took MAX over that join through every
    live article (23 ms at 100,000) where one end of an index answers."""
    key = f"sitemap:lastmod:{version.current()}"
    latest = cache.get(key)
    if latest is None:
        latest = Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        cache.set(key, latest, PAGE_DATA_SECONDS)
    return latest


sitemaps = {"articles": ArticleSitemap, "categories": CategorySitemap}


def section_paths(request, section):
    """The sitemap and the (path, lastmod) of page ?p=N of one section."""
    if section not in sitemaps:
        raise Http404(f"没有这个站点地图:{section}")
    sitemap = sitemaps[section]()
    try:
        items = sitemap.paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("没有这一页") from error
    return sitemap, list(sitemap.paths(items))


@require_safe
def section(request, section):
    """/sitemap-<section>.xml?p=N: one page of a sitemap, as Django's view
    writes it (same elements, lastmod in China time, X-Robots-Tag and
    Last-Modified), at the cost of the rows it lists."""
    sitemap, paths = section_paths(request, section)
    origin = absolute_url(request, "/").rstrip("/")
    tail = f"<changefreq>{sitemap.changefreq}</changefreq><priority>{sitemap.priority}</priority>"
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    china_time = timezone.get_current_timezone()
    for path, lastmod in paths:
        parts.append(f"<url><loc>{escape(origin + path)}</loc>")
        if lastmod:
            parts.append(f"<lastmod>{lastmod.astimezone(china_time).isoformat()}</lastmod>")
        parts.append(f"{tail}</url>\n")
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    return sitemap_headers(response, paths)


@require_safe
def text_section(request, section):
    """/sitemap-<section>.txt?p=N: the same page of the same section as a
    plain-text sitemap, one address a line, which Baidu's 站长平台 also
    takes (up to 50,000 lines and 10 MB a file; a section is 2,000)."""
    _, paths = section_paths(request, section)
    origin = absolute_url(request, "/").rstrip("/")
    lines = "".join(f"{origin}{path}\n" for path, _ in paths)
    response = HttpResponse(lines, content_type="text/plain; charset=utf-8")
    return sitemap_headers(response, paths)


def sitemap_headers(response, paths):
    """Headers of a section page: not for the index of results, and
    Last-Modified from the newest lastmod it lists."""
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    latest = max((lastmod for _, lastmod in paths if lastmod), default=None)
    if latest:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response
