"""The RSS 2.0 feed of the newest articles (/feed/)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    title = settings.SITE_NAME
    description = settings.SITE_DESCRIPTION
    link = reverse_lazy("articles:home")
    language = "zh-cn"  # Django would say zh-hans, which RSS readers know less well

    def items(self):
        return Article.objects.published().for_list().newest()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]
