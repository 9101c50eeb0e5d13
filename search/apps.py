"""The search app: Chinese full-text search over the articles."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the index in step with every write)
