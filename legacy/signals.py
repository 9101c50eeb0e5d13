"""A saved or deleted redirect changes what an old address answers: the
lookups are cached under the content version, so it moves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.version import content_changed

from .models import OldAddress


@receiver(post_save, sender=OldAddress)
@receiver(post_delete, sender=OldAddress)
def _old_address_changed(sender, raw=False, **kwargs):
    if not raw:
        content_changed()
