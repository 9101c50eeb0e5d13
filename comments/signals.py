"""A visible comment added, changed or deleted makes its article's page stale."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.version import article_comments_changed

from .models import Comment


@receiver(pre_save, sender=Comment)
def _remember_status(sender, instance, **kwargs):
    if instance.pk:
        instance._old_status = (
            Comment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        )


@receiver(post_save, sender=Comment)
def _comment_saved(sender, instance, **kwargs):
    """Only visible comments show on pages: a pending one changes nothing."""
    was_visible = getattr(instance, "_old_status", None) == Comment.Status.APPROVED
    if was_visible or instance.status == Comment.Status.APPROVED:
        article_comments_changed([instance.article_id])


@receiver(post_delete, sender=Comment)
def _comment_deleted(sender, instance, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        article_comments_changed([instance.article_id])
