from django.apps import AppConfig


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"
    verbose_name = "评论"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)
