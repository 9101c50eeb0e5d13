"""Everything a cached page shows, and what makes it stale."""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver
from taggit.models import Tag, TaggedItem

from .models import Article, Category, ContentVersion
from .version import bump, content_changed

# Sent with `article_ids` after tags were written in bulk (articles/tagging.py),
# which sends no per-row signals: for what keeps its own copy of the tags
# (the search index).
articles_retagged = Signal()


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def _page_content_saved(sender, **kwargs):
    content_changed()


@receiver(m2m_changed, sender=Article.tags.through)
def _article_tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        content_changed()


@receiver(post_migrate)
def _migrated(sender, using, **kwargs):
    """Every deploy runs migrate, and may change templates or models. Cached
    pages, fragments and pickled articles in a shared cache (Redis) outlive
    the old processes, so a migrate run makes them all stale."""
    if sender.name != "articles":  # once per run, not once per app
        return
    if ContentVersion._meta.db_table in connections[using].introspection.table_names():
        bump(using)
