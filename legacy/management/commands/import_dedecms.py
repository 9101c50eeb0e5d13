"""Import a DedeCMS (织梦) 5.7 / 5.8 site straight from its MySQL database.

    manage.py import_dedecms --database-url mysql://root@127.0.0.1:3306/dede \\
        [--table-prefix dede_] [--site-root /var/www/old] [--dry-run]

Categories (arctype), articles (archives + addonarticle), tags (taglist),
comments (feedback), the images under /uploads/ (from --site-root) and every
old address. Safe to run again: rows are keyed on their old ids.
"""

import html
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, transaction
from tqdm import tqdm

from articles.bulk import Chunks, tags_named
from articles.management.commands.import_articles import MAX_VIEWS, LineError, prepare_article
from articles.models import Article
from articles.version import one_bump_at_the_end
from legacy import dedecms, dedenames, dedepinyin
from legacy.bodies import OldImages, rewrite_body
from legacy.chunks import Row, Written, old_address_links, record_addresses, write_rows
from legacy.importing import Report, RowError, finish_run, valid_ip, write_category
from legacy.lookup import normalise_query
from legacy.models import OldAddress

SOURCE = OldAddress.Source.DEDECMS
# Links in a body that may point at another old article.
OLD_LINK_RE = re.compile(r"""href\s*=\s*["'][^"']*(?:\.html?|view\.php\?aid=\d+)[^"']*["']""", re.I)


OUR_ARTICLE_RE = re.compile(r"\A/([^/]+)/([0-9]+)\.html\Z")


class DryRun(Exception):
    """Raised to roll the whole run back."""


def source_url(aid):
    return f"dedecms:{aid}"


class Command(BaseCommand):
    help = "从织梦 DedeCMS 5.7/5.8 的 MySQL 数据库导入分类、文章、标签、评论、图片和旧地址。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url", required=True, help="mysql://用户:密码@主机:端口/数据库名"
        )
        parser.add_argument("--table-prefix", default="dede_", help="表前缀,默认 dede_")
        parser.add_argument("--site-root", help="旧站网站根目录(含 uploads/、include/data/)")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告,不写入任何数据")

    def handle(self, *args, database_url, table_prefix, site_root, dry_run, **options):
        if site_root and not Path(site_root).is_dir():
            raise CommandError(
                f"--site-root 目录不存在:{site_root}(应为旧站的网站根目录,含 uploads/)。"
                "没有导入任何内容。"
            )
        pinyin = dedepinyin.site_table(site_root)  # the old site's own pinyin table
        try:
            connection = dedecms.connect(database_url)
            db = dedecms.DedeDatabase(connection, table_prefix)
        except dedecms.DedeError as error:
            raise CommandError(str(error)) from None
        self.report = Report()
        self.images = OldImages(site_root, marker="/uploads/", dry_run=dry_run, report=self.report)
        if not site_root:
            self.report.notes.append("没有给出 --site-root,图片没有复制(都记为缺少)")
        try:
            # One content-version bump at the end; the search index is
            # written a chunk at a time (articles/bulk.py).
            with transaction.atomic(), one_bump_at_the_end():
                self.run(db, pinyin)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        finally:
            connection.close()
        finish_run(self, self.report, dry_run=dry_run)

    # -- the steps ------------------------------------------------------------

    def run(self, db, pinyin_table):
        self.categories = {}  # tid -> (Category, arctype row)
        self.site = dedenames.Site.from_settings(db.settings(), pinyin=pinyin_table)
        if self.site.cmspath:
            self.report.notes.append(
                f"旧站装在子目录 {self.site.cmspath}(cfg_cmspath),旧地址都带上它"
            )
        counts = db.article_counts()
        taken = {}
        rows = db.categories()
        names = {row["id"]: row["typename"] for row in rows}
        for row in rows:
            try:
                with transaction.atomic():
                    category = write_category(
                        source=SOURCE,
                        old_id=f"type:{row['id']}",
                        name=row["typename"],
                        slug_wanted=dedenames.typedir_path(row["typedir"]).rsplit("/", 1)[-1],
                        description=row["description"],
                        report=self.report,
                        taken=taken,
                        parent_name=names.get(row["reid"], ""),
                    )
                    old_id = f"type:{row['id']}"
                    found = dedenames.category_addresses(row, counts.get(row["id"], 0), self.site)
                    record_addresses(
                        source=SOURCE,
                        addresses=[(p, q, old_id, {"category": category}) for p, q in found],
                        report=self.report,
                    )
                self.categories[row["id"]] = (category, row)
            except (RowError, ValidationError, IntegrityError, DatabaseError) as error:
                self.report.fail("category", row["id"], str(error))

        self.tags_done = set()
        self.pinyin = set()  # categories whose rule spells titles in pinyin
        self.overlaps = []  # (old path, x, N, our article) of /x/N.html pages
        self.linking = []  # our ids of articles whose bodies may link to old articles
        total = db.archive_count()
        chunks = Chunks(self.write_chunk, done=self.chunk_done, fail=self.row_failed)
        with tqdm(total=total, unit="篇", desc="导入文章", file=self.stderr._out,
                  disable=total < 200) as progress:  # fmt: skip
            for batch in db.archives():  # 500 archives, one chunk
                for archive in batch:
                    row = self.archive(archive)
                    if row is not None:
                        chunks.add(row, key=row.key)
                chunks.flush()
                progress.update(len(batch))
        self.rewrite_links()
        self.report_overlaps()

    def archive(self, archive):
        aid = archive["id"]
        if archive["arcrank"] == -2:
            self.report.count("article", "skipped")  # the recycle bin
            return
        if archive["channel"] != 1:
            self.report.count("article", "skipped")
            self.report.notes.append(
                f"文档 {aid} 不是文章模型(channel={archive['channel']}),未导入"
            )
            return
        try:
            return self._archive(archive)
        except (LineError, RowError) as error:
            self.report.fail("article", aid, str(error))
        except (ValidationError, IntegrityError, DatabaseError, ValueError) as error:
            self.report.fail("article", aid, f"数据有误:{error}")
        return None

    def row_failed(self, row, error):
        self.report.fail("article", row.old_id, f"数据有误:{error}")

    def _archive(self, archive):
        aid = archive["id"]
        if archive["typeid"] not in self.categories:
            raise RowError(f"栏目 {archive['typeid']} 不存在或没有导入")
        category, type_row = self.categories[archive["typeid"]]
        stamp = archive["pubdate"] or archive["senddate"]
        if not stamp:
            raise RowError("没有发布时间(pubdate)")
        where = f"文章 {aid}"
        if archive["body"] is None:
            raise RowError("dede_addonarticle 里没有这篇文章的正文")
        body, pages = dedenames.split_pages(archive["body"])
        body = rewrite_body(body, images=self.images, where=where)
        if not body.strip():
            raise RowError("正文是空的")
        flags = set((archive["flag"] or "").split(","))
        record = {
            "title": html.unescape(archive["title"]).strip(),
            "body_html": body,
            "published_at": dedecms.moment(stamp).isoformat(),
            "views": min(int(archive["click"] or 0), MAX_VIEWS),
            "status": Article.Status.DRAFT if archive["arcrank"] < 0 else Article.Status.PUBLISHED,
            "source_url": source_url(aid),
            "category": category.slug,
            "tags": [t.strip() for t in archive["tags"] if t.strip()],
        }
        extra = {
            "seo_keywords": archive["keywords"].strip()[:200],
            "seo_description": archive["description"].strip()[:300],
            "is_recommended": "c" in flags,
            "is_pinned": "h" in flags,
        }
        cover = None
        if archive["litpic"].strip():
            cover = self.images.store(
                archive["litpic"].strip(), where=f"{where} 缩略图", folder="covers"
            )
        if cover and not self.images.dry_run:  # a dry run stores no file
            extra["cover"] = cover
        entry = prepare_article(
            record, base_dir=None, categories={category.slug: category}, extra=extra
        )
        addresses = dedenames.article_addresses(archive, type_row, self.site, pages)
        rule = (type_row["namerule"] or "").lower()
        if any(p in rule for p in dedenames.PINYIN_RULE) and type_row["id"] not in self.pinyin:
            self.pinyin.add(type_row["id"])
            self.report.notes.append(dedepinyin.note(type_row, self.site.pinyin))
        comments = [
            {
                "old_id": str(row["id"]),
                "nickname": row["username"],
                "body": row["msg"],
                "created_at": dedecms.moment(row["dtime"] or stamp),
                "visible": row["ischeck"] == 1,
                "ip": valid_ip(row["ip"]),
            }
            for row in archive["comments"]
        ]
        return Row(str(aid), f"arc:{aid}", entry, addresses, comments)

    def write_chunk(self, rows):
        """A chunk's articles, addresses, comments and its new tags' old
        addresses (legacy/chunks.py)."""
        done = Written()
        report = done.report
        for row, article in write_rows(rows, source=SOURCE, report=report):
            if OLD_LINK_RE.search(article.body):
                done.linking.append(article.pk)
            if not row.addresses[0][1]:  # a static page
                done.overlaps += self.overlap(row.addresses[0][0], article)
        names = {n for row in rows for n in row.entry.tags if n.lower() not in self.tags_done}
        tags = tags_named(names)
        outcomes = record_addresses(
            source=SOURCE,
            report=report,
            addresses=[
                (path, query, f"tag:{tag.name}", {"tag": tag})
                for tag in tags.values()
                for path, query in dedenames.tag_addresses(tag.name, self.site)
            ],
        )
        for tag in tags.values():
            keys = dedenames.tag_addresses(tag.name, self.site)
            made = any(outcomes.get((p, normalise_query(q))) == "created" for p, q in keys)
            report.count("tag", "created" if made else "skipped")
        done.tags = set(tags)
        return done

    def chunk_done(self, written):
        written.apply(self)
        self.overlaps += written.overlaps
        self.tags_done |= written.tags

    def overlap(self, path, article):
        """An old page of our own article form (/x/N.html) reaches our
        article view first; kept to be checked once every article is in."""
        match = OUR_ARTICLE_RE.match(path)
        if match and int(match.group(2)) != article.pk:
            return [(path, match.group(1), int(match.group(2)), article.get_absolute_url())]
        return []

    def report_overlaps(self):
        """Those our article N answers itself (it is in category x): lost,
        listed in the report. The others (no article N, or one in another
        category) reach the old address (legacy/middleware.py)."""
        future = 0
        for start in range(0, len(self.overlaps), 500):
            batch = self.overlaps[start : start + 500]
            ours = Article.objects.filter(pk__in=[n for _, _, n, _ in batch])
            ours = {pk: (slug, title) for pk, slug, title in
                    ours.values_list("pk", "category__slug", "title")}  # fmt: skip
            for path, slug, number, new in batch:
                if number not in ours:
                    future += 1
                elif ours[number][0] == slug:
                    self.report.conflicts.append(
                        f"{path}:本站文章 {number}《{ours[number][1]}》,旧文章在 {new}"
                    )
        if future:
            self.report.notes.append(
                f"{future} 个旧地址形如本站文章地址(/分类/编号.html),现在都跳转到旧文章;"
                "以后本站新建的文章若正好得到这个编号并放在同一分类,会占用它"
            )

    def rewrite_links(self):
        """Links between old articles, once every article has its new address."""
        for pk in self.linking:
            article = Article.objects.select_related("category").get(pk=pk)
            body = rewrite_body(article.body, links=old_address_links())
            if body != article.body:
                article.body = body
                article.save(update_fields=["body"])
