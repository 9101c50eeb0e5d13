"""Take the demo content out of a real site:

    manage.py remove_demo [--dry-run]

Removes the articles of articles/demo/articles.jsonl (by their source_url),
then the categories the demo file names when no article is left in them,
the tags left on no article, and the demo covers and their thumbnails when
no other article uses them. Everything else stays. One content-version
bump at the end.
"""

import json

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from taggit.models import Tag, TaggedItem

from articles.models import Article, Category
from articles.version import one_bump_at_the_end

from .prepare_site import DEMO_FILE


class _DryRun(Exception):
    """Rolls the removal back."""


def demo_entries():
    with DEMO_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class Command(BaseCommand):
    help = "删除演示文章、空下来的演示分类、不再使用的标签和演示图片。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只报告,不删除")

    def handle(self, *args, dry_run, **options):
        entries = demo_entries()
        sources = {e["source_url"] for e in entries if e.get("source_url")}
        slugs = {e["category"] for e in entries}
        articles = Article.objects.filter(source_url__in=sources)
        tag_ids = set(
            TaggedItem.objects.filter(
                object_id__in=articles.values("pk"), content_type__model="article"
            ).values_list("tag_id", flat=True)
        )
        files = set()
        for cover, thumbnail in articles.values_list("cover", "thumbnail"):
            files.update(name for name in (cover, thumbnail) if name)
        try:
            with transaction.atomic(), one_bump_at_the_end():
                removed = articles.count()
                articles.delete()
                categories = Category.objects.filter(slug__in=slugs, articles=None)
                category_count = categories.count()
                categories.delete()
                unused = Tag.objects.filter(pk__in=tag_ids, taggit_taggeditem_items=None)
                tag_count = unused.count()
                unused.delete()
                left = Article.objects.filter(Q(cover__in=files) | Q(thumbnail__in=files))
                for cover, thumbnail in left.values_list("cover", "thumbnail"):
                    files -= {cover, thumbnail}
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        if not dry_run:
            for name in files:
                default_storage.delete(name)
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}演示文章 {removed} 篇、分类 {category_count} 个、标签 {tag_count} 个、图片 {len(files)} 个。"
            )
        )
