"""Import a WordPress site from its export file (WXR 1.0, 1.1, 1.2).

    manage.py import_wordpress FILE.xml [--uploads wp-content/uploads] [--dry-run]

Posts (not pages, menus or attachments), categories, tags, comments
(approved ones visible, the rest held for moderation), featured images and
body images from --uploads, and every old address. The file is read as a
stream twice: first to check it whole (a malformed file is refused with its
line number before anything is written), then to import. Safe to run again.
"""

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, transaction
from taggit.models import TaggedItem
from tqdm import tqdm

from articles.bulk import Chunks, tags_named
from articles.management.commands.import_articles import MAX_VIEWS, LineError, prepare_article
from articles.models import Article
from articles.version import one_bump_at_the_end
from legacy import wordpress
from legacy.bodies import WordPressImages, rewrite_body
from legacy.chunks import Row, Written, old_address_links, record_addresses, write_rows
from legacy.importing import Report, RowError, finish_run, valid_ip, write_category
from legacy.models import OldAddress

SOURCE = OldAddress.Source.WORDPRESS


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "从 WordPress 导出文件(WXR 1.0/1.1/1.2)导入文章、分类、标签、评论、图片和旧地址。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--uploads", help="旧站的 wp-content/uploads 目录,用来复制图片")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告,不写入任何数据")

    def handle(self, *args, file, uploads, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"文件不存在:{file}")
        if uploads and not Path(uploads).is_dir():
            raise CommandError(
                f"--uploads 目录不存在:{uploads}(应为旧站的 wp-content/uploads)。没有导入任何内容。"
            )
        try:
            total, self.attachments = self.scan(file)
        except wordpress.WxrError as error:
            raise CommandError(f"{file}:{error}。没有导入任何内容。") from None
        self.report = Report()
        self.images = WordPressImages(
            uploads, marker="/wp-content/uploads/", dry_run=dry_run, report=self.report
        )
        if not uploads:
            self.report.notes.append("没有给出 --uploads,图片没有复制(都记为缺少)")
        try:
            # One content-version bump at the end; the search index is
            # written a chunk at a time (articles/bulk.py).
            with transaction.atomic(), one_bump_at_the_end():
                self.run(file, total)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        finish_run(self, self.report, dry_run=dry_run)

    def scan(self, file):
        """Read the whole file once: it must parse; count the posts and
        remember each attachment's address (for featured images)."""
        total, attachments = 0, {}
        for entry in wordpress.read(file, heads=True):
            if isinstance(entry, wordpress.Item):
                if entry.post_type == "attachment" and entry.attachment_url:
                    attachments[entry.post_id] = entry.attachment_url
                elif entry.post_type == "post":
                    total += 1
        return total, attachments

    def run(self, file, total):
        self.categories = {}  # nicename -> Category
        self.category_terms = {}  # nicename -> Term
        self.tag_slugs = {}  # tag name -> old slug
        self.taken = {}
        self.linking = []
        chunks = Chunks(self.write_chunk, done=lambda written: written.apply(self),
                        fail=self.row_failed)  # fmt: skip
        with tqdm(total=total, unit="篇", desc="导入文章", file=self.stderr._out,
                  disable=total < 200) as progress:  # fmt: skip
            for entry in wordpress.read(file):
                if isinstance(entry, wordpress.Term):
                    self.term(entry)
                elif isinstance(entry, wordpress.Item):
                    if entry.post_type != "post":
                        continue
                    row = self.post(entry)
                    if row is not None:
                        chunks.add(row, key=row.key)
                    progress.update(1)
            chunks.flush()
        self.category_addresses()
        self.tag_addresses()
        self.rewrite_links()

    # -- terms ------------------------------------------------------------

    def term(self, term):
        if term.kind == "tag":
            if term.name:
                self.tag_slugs[term.name] = term.slug or term.name
            return
        self.category_terms[term.slug] = term
        self.category(term.slug, term.name, term_id=term.term_id)

    def category(self, nicename, name, term_id=""):
        if nicename in self.categories:
            return self.categories[nicename]
        parent = self.category_terms.get(nicename)
        parent_name = ""
        if parent and parent.parent in self.category_terms:
            parent_name = self.category_terms[parent.parent].name
        try:
            with transaction.atomic():
                category = write_category(
                    source=SOURCE,
                    old_id=f"cat:{nicename}",
                    name=name or nicename,
                    slug_wanted=nicename if nicename.isascii() else "",
                    description="",
                    report=self.report,
                    taken=self.taken,
                    parent_name=parent_name,
                )
        except (RowError, ValidationError, IntegrityError, DatabaseError) as error:
            self.report.fail("category", nicename, str(error))
            return None
        self.categories[nicename] = category
        if term_id:
            record_addresses(source=SOURCE, report=self.report, addresses=[
                ("/", f"cat={term_id}", f"cat:{nicename}", {"category": category})
            ])  # fmt: skip
        return category

    def category_path(self, nicename):
        parts, seen = [nicename], {nicename}
        term = self.category_terms.get(nicename)
        while term and term.parent and term.parent not in seen:
            parts.insert(0, term.parent)
            seen.add(term.parent)
            term = self.category_terms.get(term.parent)
        return "/category/" + "/".join(parts) + "/"

    def category_addresses(self):
        addresses = []
        for nicename, category in self.categories.items():
            if category is not None:
                path = self.category_path(nicename)
                for old in (path, path + "feed/"):
                    addresses.append((old, "", f"cat:{nicename}", {"category": category}))
        record_addresses(source=SOURCE, addresses=addresses, report=self.report)

    def tag_addresses(self):
        """Those of the declared tags an imported post uses."""
        tags = tags_named(self.tag_slugs, create=False)
        used = set(
            TaggedItem.objects.filter(tag__in=list(tags.values())).values_list("tag_id", flat=True)
        )
        addresses = []
        for name, slug in self.tag_slugs.items():
            tag = tags.get(name.lower())
            if tag is not None and tag.pk in used:
                for path, query in ((f"/tag/{slug}/", ""), ("/", f"tag={slug}")):
                    addresses.append((path, query, f"tag:{slug}", {"tag": tag}))
        outcomes = record_addresses(source=SOURCE, addresses=addresses, report=self.report)
        made = {row[3]["tag"].pk for row in addresses if outcomes.get(row[:2]) == "created"}
        for pk in used:
            self.report.count("tag", "created" if pk in made else "skipped")

    # -- posts --------------------------------------------------------------

    def post(self, item):
        if item.status in ("trash", "auto-draft", "inherit"):
            self.report.count("article", "skipped")
            return
        try:
            return self._post(item)
        except (LineError, RowError) as error:
            self.report.fail("article", item.post_id, str(error))
        except (ValidationError, IntegrityError, DatabaseError, ValueError) as error:
            self.report.fail("article", item.post_id, f"数据有误:{error}")
        return None

    def row_failed(self, row, error):
        self.report.fail("article", row.old_id, f"数据有误:{error}")

    def write_chunk(self, rows):
        done = Written()
        for _row, article in write_rows(rows, source=SOURCE, report=done.report):
            if "href" in article.body:
                done.linking.append(article.pk)
        return done

    def _post(self, item):
        if not item.post_id.isdigit():
            raise RowError("没有 wp:post_id")
        when = wordpress.moment(item.date_gmt, item.date)
        if when is None:
            raise RowError("没有发布时间(post_date_gmt / post_date)")
        category = None
        tags = []
        # WXR 1.0 also lists categories without a domain, and tags as "tag".
        named = [c for c in item.categories if c[0] == "category"]
        for _domain, nicename, name in named or [c for c in item.categories if not c[0]]:
            if category is None:
                category = self.category(nicename or name, name)
        for domain, nicename, name in item.categories:
            if domain in ("post_tag", "tag") and name:
                tags.append(name)
                if nicename or name not in self.tag_slugs:
                    self.tag_slugs[name] = nicename or name
        if category is None:
            category = self.category("uncategorized", "未分类")
        if category is None:
            raise RowError("没有可用的分类")
        where = f"文章 {item.post_id}"
        body = rewrite_body(wordpress.body_html(item.content), images=self.images, where=where)
        record = {
            "title": item.title.strip() or f"(无标题 {item.post_id})",
            "body_html": body,
            "published_at": when.isoformat(),
            "status": Article.Status.PUBLISHED
            if item.status in ("publish", "future")
            else Article.Status.DRAFT,
            "source_url": f"wordpress:{item.post_id}",
            "category": category.slug,
            "tags": tags,
            "summary": wordpress.body_html(item.excerpt) if item.excerpt.strip() else "",
        }
        for key in wordpress.VIEW_KEYS:
            if item.meta.get(key, "").isdigit():
                record["views"] = min(int(item.meta[key]), MAX_VIEWS)
                break
        record["summary"] = re.sub(r"<[^>]+>", "", record["summary"])
        extra = {"is_pinned": item.meta.get("_sticky") == "1"}
        thumbnail = self.attachments.get(item.meta.get("_thumbnail_id", ""))
        if thumbnail:
            cover = self.images.store(thumbnail, where=f"{where} 特色图片", folder="covers")
            if cover and not self.images.dry_run:
                extra["cover"] = cover
        entry = prepare_article(
            record, base_dir=None, categories={category.slug: category}, extra=extra
        )
        addresses = [("/", f"p={item.post_id}")]
        if item.link:
            path, query = wordpress.link_key(item.link)
            if (path, query) != addresses[0]:
                addresses.insert(0, (path, query))
        comments = []
        for comment in item.comments:
            if comment.kind in ("pingback", "trackback") or comment.approved in ("spam", "trash"):
                self.report.count("comment", "skipped")
                continue
            comments.append({
                "old_id": comment.comment_id,
                "nickname": comment.author,
                "body": comment.content,
                "created_at": wordpress.moment(comment.date_gmt, comment.date) or when,
                "visible": comment.approved == "1",
                "ip": valid_ip(comment.ip),
            })  # fmt: skip
        return Row(item.post_id, f"post:{item.post_id}", entry, addresses, comments)

    def rewrite_links(self):
        for pk in self.linking:
            article = Article.objects.select_related("category").get(pk=pk)
            body = rewrite_body(article.body, links=old_address_links(source=SOURCE))
            if body != article.body:
                article.body = body
                article.save(update_fields=["body"])
