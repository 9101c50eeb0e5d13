"""Import articles from a JSON Lines file (the format is in README.md).

Lines are checked one by one and written a chunk at a time (articles/bulk.py):
a bad line is reported with its number and reason, and every good line
still lands. The command exits
non-zero when any line failed.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from tqdm import tqdm

from articles import images
from articles.bulk import Chunks, Entry, write_articles
from articles.models import Article, Category
from articles.planner import update_statistics
from articles.version import one_bump_at_the_end

PROGRESS_FROM_LINES = 200
# An import this large changes what the planner should expect (articles/planner.py).
STATISTICS_FROM_ARTICLES = 1000
# The read count's column (PositiveIntegerField) holds this much on every database.
MAX_VIEWS = 2_147_483_647


class LineError(Exception):
    """A problem with one line, told to the user as it is."""


def _text(record, key, *, required=False, max_length=None):
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise LineError(f"缺少字段 “{key}”")
        return ""
    if not isinstance(value, str):
        raise LineError(f"字段 “{key}” 应为字符串")
    value = value.strip()
    if required and not value:
        raise LineError(f"字段 “{key}” 不能为空")
    if max_length and len(value) > max_length:
        raise LineError(f"字段 “{key}” 超过 {max_length} 个字符")
    return value


def _published_at(record):
    raw = _text(record, "published_at", required=True)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise LineError(f"published_at “{raw}” 不是 ISO 8601 时间") from None
    if moment.tzinfo is None:
        raise LineError(f"published_at “{raw}” 缺少时区,例如 +08:00")
    try:
        moment.astimezone(UTC)  # how it is stored; year 1 at +08:00 is out of range
    except OverflowError:
        raise LineError(f"published_at “{raw}” 超出可保存的时间范围") from None
    return moment


def _tags(record):
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise LineError("字段 “tags” 应为字符串列表")
    cleaned = []
    for tag in tags:
        tag = tag.strip()
        if not tag:
            continue
        if len(tag) > 50:
            raise LineError(f"标签 “{tag[:20]}…” 超过 50 个字符")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _views(record):
    if "views" not in record or record["views"] is None:
        return None
    views = record["views"]
    if isinstance(views, bool) or not isinstance(views, int) or views < 0:
        raise LineError("字段 “views” 应为非负整数")
    if views > MAX_VIEWS:
        raise LineError(f"字段 “views” 不能超过 {MAX_VIEWS}")
    return views


def _status(record):
    status = record.get("status") or Article.Status.PUBLISHED
    if status not in Article.Status.values:
        raise LineError(f"status 只能是 published 或 draft,而不是 “{status}”")
    return status


def _cover(record, base_dir):
    """The stored name of the cover, after the same checks and processing as
    an upload in the admin (articles/images.py), or None."""
    raw = _text(record, "cover_image")
    if not raw:
        return None
    path = (base_dir / raw).resolve()
    if not path.is_file():
        raise LineError(f"封面图 “{raw}” 不存在")
    try:
        with path.open("rb") as handle:
            return images.store_image(File(handle, name=path.name), folder="covers").name
    except images.ImageRejected as error:
        raise LineError(f"封面图 “{raw}” {error.messages[0]}") from None


def _category(record, known, mapping=None, notes=None):
    slug = _text(record, "category", required=True, max_length=30)
    slug = (mapping or {}).get(slug, slug)  # --category-map OLD=NEW
    name = _text(record, "category_name", max_length=30)
    category = known.get(slug) or Category.objects.filter(slug=slug).first()
    if category:
        known[slug] = category
        return category  # An existing category keeps its name.
    if not name:
        raise LineError(f"分类 “{slug}” 不存在,需要提供 category_name 才能创建")
    same_name = Category.objects.filter(name=name).first()
    if same_name:
        # The same category under another slug: the line goes there.
        known[slug] = same_name
        if notes is not None:
            notes.append(
                f"分类 “{slug}” 的名称“{name}”已有分类 /{same_name.slug}/ 使用,文章放进了该分类"
            )
        return same_name
    category = Category(slug=slug, name=name)
    try:
        category.full_clean()
    except ValidationError as error:
        messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
        raise LineError(f"无法创建分类 “{slug}”:{messages}") from None
    category.save()  # not remembered yet: this line may still roll back
    return category


def prepare_article(record, *, base_dir, categories, extra=None, mapping=None, notes=None):
    """One line (or an old site's row, legacy/) checked and ready for
    articles/bulk.py: an Entry, or LineError. `categories` ({slug:
    Category}) is the run's, filled as new ones are made; `extra` sets
    further Article fields (SEO keywords, pinning)."""
    if not isinstance(record, dict):
        raise LineError("每行应是一个 JSON 对象")
    fields = {
        "title": _text(record, "title", required=True, max_length=200),
        "body": _text(record, "body_html", required=True),
        "published_at": _published_at(record),
    }
    tags = _tags(record)
    views = _views(record)
    fields["status"] = _status(record)
    fields["summary"] = _text(record, "summary")
    source_url = _text(record, "source_url", max_length=500)
    cover = _cover(record, base_dir)
    fields["category"] = _category(record, categories, mapping=mapping, notes=notes)
    if views is not None:
        fields["views"] = views
    if cover:
        fields["cover"] = cover
    fields.update(extra or {})
    return Entry(source_url=source_url, fields=fields, tags=tags)


class Command(BaseCommand):
    help = "从 JSON Lines 文件导入文章(格式见 README)。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="跳过 source_url 已存在的文章(不覆盖已有内容和阅读量)。",
        )
        parser.add_argument(
            "--category-map",
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="把文件里的分类别名 OLD 换成本站已有的 NEW,可写多次。",
        )

    def handle(self, *args, file, skip_existing, category_map=(), **options):
        if not file.is_file():
            raise CommandError(f"文件不存在:{file}")
        mapping = {}
        for pair in category_map:
            old, sep, new = pair.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise CommandError(f"--category-map 应写成 旧别名=新别名,而不是 “{pair}”")
            if not Category.objects.filter(slug=new.strip()).exists():
                raise CommandError(f"--category-map {pair}:本站没有别名为 “{new.strip()}” 的分类")
            mapping[old.strip()] = new.strip()
        with file.open("rb") as handle:
            total = sum(1 for _ in handle)
        counts = {"created": 0, "updated": 0, "skipped": 0}
        failures = []
        base_dir = file.resolve().parent
        categories = {}  # slug -> category, read once per run
        notes = []

        def done(results):
            for outcome, _article in results:
                counts[outcome] += 1

        # CHUNK lines at a time (articles/bulk.py), one content-version bump
        # when the run ends.
        chunks = Chunks(
            lambda rows: write_articles([e for _, e in rows], skip_existing=skip_existing),
            done=done,
            fail=lambda row, error: failures.append((row[0], f"数据有误:{error}")),
        )
        with one_bump_at_the_end(), file.open("rb") as handle:
            lines = tqdm(
                handle,
                total=total,
                unit="行",
                desc="导入",
                disable=total < PROGRESS_FROM_LINES,
                file=self.stderr._out,
            )
            for number, raw in enumerate(lines, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    failures.append((number, "不是 UTF-8 编码"))
                    continue
                if not line.strip():
                    continue
                try:
                    line_notes = []
                    entry = prepare_article(
                        json.loads(line),
                        base_dir=base_dir,
                        categories=categories,
                        mapping=mapping,
                        notes=line_notes,
                    )
                    notes += [f"第 {number} 行:{note}" for note in line_notes]
                    chunks.add((number, entry), key=entry.source_url)
                except json.JSONDecodeError as error:
                    failures.append((number, f"不是有效的 JSON({error.msg},第 {error.colno} 列)"))
                except LineError as error:
                    failures.append((number, str(error)))
                except (ValidationError, IntegrityError, ValueError) as error:
                    failures.append((number, f"数据有误:{error}"))
            chunks.flush()
        failures.sort()

        if counts["created"] >= STATISTICS_FROM_ARTICLES:
            update_statistics()  # the site's shape changed: plan for what is there now
        for note in notes:
            self.stdout.write(note)
        for number, reason in failures:
            self.stderr.write(f"第 {number} 行:{reason}")
        summary = (
            f"新增 {counts['created']} 篇,更新 {counts['updated']} 篇,"
            f"跳过 {counts['skipped']} 篇,失败 {len(failures)} 行。"
        )
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
