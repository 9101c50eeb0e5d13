"""Keeping the index in step with every write, inside the writing
transaction (a rolled-back save leaves the index as it was):

- an article saved (admin, import, shell): its document is rewritten,
  unless only fields the index does not read were saved (update_fields);
- an article deleted: its document goes with it (a cascade);
- tags added or removed one by one (taggit, the admin): per TaggedItem;
- tags written in bulk (articles/tagging.py: the admin's 添加标签 and tag
  merges, which send no per-row signals): `articles.signals.articles_retagged`;
- a tag renamed or deleted: the articles carrying it;
- status, publish time, pinning, category (the admin's bulk actions, which
  use .update()): nothing to do, readers' searches apply the publication
  rule at query time, and a scheduled article is found from its publish
  time on;
- a dictionary word or synonym group changed: this process reloads the
  segmenter, the content version moves so every other process reloads
  within a second, and the articles containing the words are queued for a
  re-index after the commit, in bounded batches (search/pending.py).
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles.models import Article
from articles.signals import articles_retagged, gather_for_index
from articles.version import content_changed

from .index import reindex
from .log import forget_popular
from .models import DictionaryWord, HiddenQuery, QueryDay, SynonymGroup
from .pending import enqueue
from .segment import segmenter

INDEXED_FIELDS = {"title", "summary", "body", "body_text"}


@receiver(post_save, sender=Article)
def _article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not INDEXED_FIELDS & set(update_fields)):
        return
    if not gather_for_index(instance.pk):
        reindex([instance.pk])


def _article_id(item):
    from django.contrib.contenttypes.models import ContentType

    if item.content_type_id == ContentType.objects.get_for_model(Article).pk:
        return item.object_id
    return None


@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def _tagged_item_changed(sender, instance, raw=False, **kwargs):
    article_id = None if raw else _article_id(instance)
    if article_id is None or gather_for_index(article_id):
        return
    if Article.objects.filter(pk=article_id).exists():
        reindex([article_id])


@receiver(articles_retagged)
def _articles_retagged(sender, article_ids, **kwargs):
    reindex(article_ids)


@receiver(post_save, sender=Tag)
def _tag_saved(sender, instance, created=False, raw=False, **kwargs):
    if created or raw:
        return
    ids = TaggedItem.objects.filter(tag=instance).values_list("object_id", flat=True)
    reindex(Article.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))


# -- the dictionary -----------------------------------------------------------


def _words_of(instance):
    if isinstance(instance, DictionaryWord):
        return {instance.word}
    return set(instance.word_list())


@receiver(pre_save, sender=DictionaryWord)
@receiver(pre_save, sender=SynonymGroup)
def _remember_old_words(sender, instance, **kwargs):
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._old_words = _words_of(old) if old else set()


@receiver(post_save, sender=DictionaryWord)
@receiver(post_delete, sender=DictionaryWord)
@receiver(post_save, sender=SynonymGroup)
@receiver(post_delete, sender=SynonymGroup)
def _dictionary_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    words = _words_of(instance) | getattr(instance, "_old_words", set())
    segmenter.forget()
    content_changed()
    # Re-indexed after the commit, in batches (search/pending.py); queued
    # after the version's bump so its thread starts once that is written.
    enqueue(words)


@receiver(post_save, sender=HiddenQuery)
@receiver(post_delete, sender=HiddenQuery)
@receiver(post_save, sender=QueryDay)
def _popular_changed(sender, **kwargs):
    forget_popular()
