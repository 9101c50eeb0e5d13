"""Moving an old site in: its old addresses answered with one 301, and the
DedeCMS and WordPress importers."""

from django.apps import AppConfig


class LegacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legacy"
    verbose_name = "旧站迁移"

    def ready(self):
        from . import signals  # noqa: F401  (a changed redirect is seen at once)
