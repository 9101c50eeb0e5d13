"""The articles app: categories, articles and tags, and the reading site."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "文章"

    def ready(self):
        from . import signals  # noqa: F401  (connects the page cache invalidation)
