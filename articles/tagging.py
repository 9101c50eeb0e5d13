"""Tags as editors manage them: find or make one by name, merge several.
(Reading tags is taggit's; this is what the admin's actions do with them.)"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from taggit.models import Tag, TaggedItem

from .models import Article
from .signals import articles_retagged
from .version import content_changed


def tag_named(name):
    """The tag called `name`, in any letter case (as taggit finds tags with
    TAGGIT_CASE_INSENSITIVE), created when there is none."""
    return Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)


def tag_articles(*, tag, article_ids) -> int:
    """Give `tag` to each of these articles that lacks it, in one insert.
    Returns how many already had it."""
    ids = list(article_ids)
    content_type = ContentType.objects.get_for_model(Article)
    with transaction.atomic():
        tagged = set(
            TaggedItem.objects.filter(
                tag=tag, object_id__in=ids, content_type=content_type
            ).values_list("object_id", flat=True)
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tag, object_id=pk, content_type=content_type)
            for pk in ids
            if pk not in tagged
        )
        articles_retagged.send(sender=Article, article_ids=[pk for pk in ids if pk not in tagged])
        content_changed()
    return len(tagged)


def merge_tags(*, sources, target) -> int:
    """Give every article tagged with any of `sources` the tag `target`
    instead, then delete the sources. Returns how many articles moved."""
    sources = [tag for tag in sources if tag.pk != target.pk]
    if not sources:
        return 0
    source_ids = [tag.pk for tag in sources]
    with transaction.atomic():
        items = TaggedItem.objects.filter(tag_id__in=source_ids)
        already = set(
            TaggedItem.objects.filter(tag=target).values_list("content_type_id", "object_id")
        )
        moved = set()
        for item in items.only("pk", "content_type_id", "object_id"):
            key = (item.content_type_id, item.object_id)
            if key in already or key in moved:
                continue
            moved.add(key)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=target, content_type_id=ct, object_id=pk) for ct, pk in moved
        )
        items.delete()
        Tag.objects.filter(pk__in=source_ids).delete()
        articles_retagged.send(sender=Article, article_ids=[pk for ct, pk in moved])
        content_changed()
    return len(moved)
