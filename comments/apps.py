"""The comments app: readers' comments under each article, the captcha and moderation."""

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "评论"

    def ready(self):
        from . import checks, signals  # noqa: F401  (deploy check, page cache invalidation)
