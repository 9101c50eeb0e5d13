"""Everything a cached page shows, and what makes it stale."""

import threading
from contextlib import contextmanager

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

_gathered = threading.local()


@contextmanager
def index_once_per_article():
    """For an importer writing thousands of articles: inside this block the
    per-row signals of article and tag saves leave the search index alone
    (`gather_for_index()` says so and keeps the id); on leaving it, one
    `articles_retagged` names every article touched, and the index writes
    each document once, in batches. Like one_bump_at_the_end(), but for the
    copies of the articles kept elsewhere."""
    if getattr(_gathered, "ids", None) is not None:
        yield  # an outer block sends
        return
    _gathered.ids = set()
    try:
        yield
        ids = sorted(_gathered.ids)
    finally:
        _gathered.ids = None
    if ids:
        articles_retagged.send(sender=Article, article_ids=ids)


def gather_for_index(article_id) -> bool:
    """Whether an index_once_per_article() block takes this article's
    re-indexing on (it is kept for the block's end)."""
    ids = getattr(_gathered, "ids", None)
    if ids is None:
        return False
    ids.add(article_id)
    return True


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
        bump(using, every_page=True)
