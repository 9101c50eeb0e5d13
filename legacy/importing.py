"""What the DedeCMS and WordPress importers share: the run's report,
categories and comments as plain text (the bodies and their images:
legacy/bodies.py; what is written a chunk at a time, articles, old
addresses and comments: legacy/chunks.py)."""

import html
import re
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.text import slugify

from articles.models import Category
from articles.planner import update_statistics
from articles.validators import slug_format, validate_category_slug

from .models import ImportedObject

KINDS = {
    "category": "分类",
    "article": "文章",
    "tag": "标签",
    "comment": "评论",
    "address": "旧地址",
    "image": "图片",
}
OUTCOMES = {"created": "新增", "updated": "更新", "skipped": "跳过", "failed": "失败"}


class RowError(Exception):
    """A row that cannot be imported; the message is for the user."""


class Report:
    def __init__(self):
        self.counts = defaultdict(Counter)
        self.failures = []  # (kind, old id, reason)
        self.missing_images = []  # (where, path)
        self.conflicts = []  # old addresses our own article pages answer instead
        self.notes = []

    def count(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def merge(self, other):
        """Add a chunk's report (kept apart until the chunk is in)."""
        for kind, counts in other.counts.items():
            self.counts[kind].update(counts)
        self.failures += other.failures
        self.conflicts += other.conflicts
        self.notes += other.notes

    def fail(self, kind, old_id, reason):
        self.counts[kind]["failed"] += 1
        self.failures.append((kind, old_id, reason))

    def lines(self, *, dry_run=False):
        head = "试运行(没有写入任何数据),将会:" if dry_run else "导入完成:"
        yield head
        for kind, label in KINDS.items():
            counts = self.counts.get(kind)
            if not counts:
                continue
            parts = [f"{OUTCOMES[o]} {counts[o]}" for o in OUTCOMES if counts[o]]
            yield f"  {label}:" + ",".join(parts)
        if self.missing_images:
            yield f"  缺少图片 {len(self.missing_images)} 个:"
            for where, path in self.missing_images[:50]:
                yield f"    {where}:{path}"
            if len(self.missing_images) > 50:
                yield f"    ……另有 {len(self.missing_images) - 50} 个"
        if self.conflicts:
            yield (
                f"  旧地址被本站文章占用 {len(self.conflicts)} 个(读者打开这些旧地址看到的是"
                "本站同编号的文章,不会跳转到旧文章;需要时在后台把那篇文章移到别的分类):"
            )
            for line in self.conflicts[:50]:
                yield f"    {line}"
            if len(self.conflicts) > 50:
                yield f"    ……另有 {len(self.conflicts) - 50} 个"
        for note in self.notes:
            yield f"  注意:{note}"


def finish_run(command, report, *, dry_run):
    """The end of an importer's run: the planner statistics when it wrote
    (articles/planner.py: a site moved in changes its size), each failed
    row on stderr with its kind and old id, then the report; a run with a
    failed row exits non-zero."""
    if not dry_run:
        update_statistics()
    for kind, old_id, reason in report.failures:
        command.stderr.write(f"{KINDS.get(kind, kind)} {old_id}:{reason}")
    summary = "\n".join(report.lines(dry_run=dry_run))
    if report.failures:
        command.stdout.write(summary)
        raise CommandError(f"有 {len(report.failures)} 条记录导入失败(见上)。")
    command.stdout.write(command.style.SUCCESS(summary))


# -- categories and tags ----------------------------------------------------


def category_slug(wanted, *, fallback, taken):
    """A valid, unused category slug made from the old directory name."""
    fallback = re.sub(r"[^a-z0-9]+", "", fallback.lower()) or "c"
    base = slugify(wanted.lower())[:24].strip("-") or fallback
    base = re.sub(r"[^a-z0-9-]+", "-", base).strip("-") or fallback
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        if slug in taken:
            continue
        try:
            slug_format(slug)
            validate_category_slug(slug)
        except ValidationError:
            continue
        if not Category.objects.filter(slug=slug).exists():
            return slug
    raise RowError(f"无法为分类生成网址别名({wanted})")


def write_category(
    *, source, old_id, name, slug_wanted, description, report, taken, parent_name=""
):
    """Create or update the category of an old one, keyed on its old id;
    an existing category of the same name is used as it is."""
    mapped = ImportedObject.objects.filter(source=source, kind="category", old_id=old_id).first()
    category = Category.objects.filter(pk=mapped.object_id).first() if mapped else None
    name = (name or "").strip()[:30] or f"分类{old_id}"
    if category is None:
        same_name = Category.objects.filter(name=name).first()
        if same_name and parent_name and same_name.pk in taken.values():
            # Two old categories of one name (under different parents).
            name = f"{name}({parent_name})"[:30]
            same_name = Category.objects.filter(name=name).first()
        if same_name:
            category = same_name
            report.notes.append(f"旧分类 {old_id}“{name}”并入已有的同名分类 /{same_name.slug}/")
            outcome = "updated"
        else:
            slug = category_slug(slug_wanted, fallback=f"c{old_id}", taken=taken)
            category = Category.objects.create(name=name, slug=slug, description=description or "")
            outcome = "created"
        ImportedObject.objects.update_or_create(
            source=source, kind="category", old_id=old_id, defaults={"object_id": category.pk}
        )
    else:
        outcome = "skipped"
        if category.name != name and not Category.objects.filter(name=name).exists():
            category.name = name
            category.save(update_fields=["name"])
            outcome = "updated"
    taken[category.slug] = category.pk
    report.count("category", outcome)
    return category


# -- comments -----------------------------------------------------------------


def plain_comment(text):
    """A comment's text as plain text: the old systems kept some markup
    (line breaks) and entities; what is left is shown escaped, as typed."""
    text = re.sub(r"<br\s*/?>", "\n", text or "", flags=re.I)
    return html.unescape(text).strip()


def valid_ip(value):
    """The old row's IP address, or None when it is not one."""
    from django.core.validators import validate_ipv46_address

    value = (value or "").strip()
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value
