"""The XML sitemaps for search engines: articles and categories."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    # Sections small enough for every Chinese search engine: Baidu takes up
    # to 50,000 URLs and 10 MB a file, Toutiao 10,000 entries.
    limit = 10_000

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .only("id", "updated_at", "category__slug")
            .order_by("id")
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


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

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"articles": ArticleSitemap, "categories": CategorySitemap}
