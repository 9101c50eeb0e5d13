"""Writing imported articles a chunk at a time, for the three importers
(JSON Lines, DedeCMS, WordPress): a few queries per chunk of up to
`CHUNK` articles, whatever its size, instead of a few dozen per article.

An `Entry` is one article already checked by its importer. For a chunk,
`write_articles()` reads the articles already imported (by `source_url`,
so running an import again updates them), saves the new ones with one
`bulk_create` and the others with one `bulk_update`, finds or makes every
tag of the chunk at once (`tags_named()`), writes the tag links in one
insert (and one delete on re-runs), and then does what the per-row signals
would have done, once per chunk: the chunk's search documents in one batch
(`index_once_per_article()`, whose end sends `articles_retagged`), and one
`content_changed()` for cached pages.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .models import Article
from .signals import gather_for_index, index_once_per_article
from .text import keywords_from
from .version import content_changed

CHUNK = 500
# bulk_update writes every field an import sets; not the id, the creation
# time, nor what only the site itself changes (who edited, comment stamps).
KEPT = {"id", "created_at", "created_by", "updated_by", "comments_changed_at", "source_url"}
UPDATED = [f.name for f in Article._meta.concrete_fields if f.name not in KEPT]


@dataclass
class Entry:
    """One article to write: its `source_url` (may be empty: always a new
    article), its fields (`category` included) and its tag names."""

    source_url: str
    fields: dict
    tags: list = field(default_factory=list)


def tags_named(names, *, create=True) -> dict:
    """{lower-case name: Tag} for these names, in any letter case (as
    TAGGIT_CASE_INSENSITIVE finds them), the missing ones created (unless
    not `create`): one query to read, one to check the new slugs, one
    insert."""
    wanted = {}
    for name in names:
        wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found = {}
    rows = Tag.objects.annotate(lower=Lower("name")).filter(lower__in=list(wanted))
    for tag in rows:
        found.setdefault(tag.name.lower(), tag)
    missing = [name for key, name in wanted.items() if key not in found]
    if missing and create:
        new = {name: Tag(name=name, slug=Tag().slugify(name)) for name in missing}
        slugs = [tag.slug for tag in new.values()]
        taken = set(Tag.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        plain, clashing, seen = [], [], set()
        for name, tag in new.items():
            if not tag.slug or tag.slug in taken or tag.slug in seen:
                clashing.append(name)
            else:
                seen.add(tag.slug)
                plain.append(tag)
        Tag.objects.bulk_create(plain)
        for tag in plain:
            found[tag.name.lower()] = tag
        for name in clashing:  # rare: taggit's save() finds a free slug
            found[name.lower()] = Tag.objects.create(name=name)
    return found


def write_articles(entries, *, skip_existing=False) -> list:
    """Write a chunk; returns (outcome, article) per entry, in order:
    'created', 'updated' or 'skipped' (an existing one with
    skip_existing). Call it inside a transaction; two entries must not
    share a source_url (the caller starts a new chunk instead)."""
    with index_once_per_article():  # the chunk's documents in one batch
        return _write(entries, skip_existing)


def _write(entries, skip_existing):
    keys = [entry.source_url for entry in entries if entry.source_url]
    existing = {}
    if keys:
        rows = Article.objects.exclude(source_url="").filter(source_url__in=keys)
        existing = {article.source_url: article for article in rows}
    tags = tags_named(name for entry in entries for name in entry.tags)
    now = timezone.now()
    results, new, changed, tag_ids = [], [], [], {}
    for entry in entries:
        article = existing.get(entry.source_url)
        if article is not None and skip_existing:
            results.append(("skipped", article))
            continue
        created = article is None
        article = article or Article(source_url=entry.source_url)
        for name, value in entry.fields.items():
            setattr(article, name, value)
        article.prepare()
        chosen = list({tags[name.lower()].pk: tags[name.lower()] for name in entry.tags}.values())
        if not article.seo_keywords.strip():  # as Article.fill_seo_keywords()
            article.seo_keywords = keywords_from(
                sorted(t.name for t in chosen) or [article.category.name]
            )
        article.updated_at = now
        (new if created else changed).append(article)
        tag_ids[id(article)] = {tag.pk for tag in chosen}
        results.append(("created" if created else "updated", article))
    Article.objects.bulk_create(new)
    if changed:
        Article.objects.bulk_update(changed, UPDATED)
    written = new + changed
    _link_tags(written, {article.pk: tag_ids[id(article)] for article in written}, changed)
    for article in written:
        gather_for_index(article.pk)
    if written:
        content_changed()
    return results


def _link_tags(articles, wanted, changed):
    """The tag links of these articles made what `wanted` says: one read
    (of those that existed), one delete, one insert."""
    content_type = ContentType.objects.get_for_model(Article)
    have = {}
    if changed:
        rows = TaggedItem.objects.filter(
            content_type=content_type, object_id__in=[a.pk for a in changed]
        ).values_list("pk", "object_id", "tag_id")
        stale = []
        for pk, object_id, tag_id in rows:
            if tag_id in wanted[object_id]:
                have.setdefault(object_id, set()).add(tag_id)
            else:
                stale.append(pk)
        if stale:
            TaggedItem.objects.filter(pk__in=stale).delete()
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=content_type, object_id=article.pk, tag_id=tag_id)
        for article in articles
        for tag_id in sorted(wanted[article.pk] - have.get(article.pk, set()))
    )


class Chunks:
    """Gathers an importer's rows and writes them `size` at a time, each
    chunk in one savepoint: `write(rows)` writes and returns what
    `done(result)` records once the chunk is safely in. When a chunk fails
    in the database, its rows are written again one by one, so the failing
    row is named (`fail(row, error)`) and the others still land. A row
    whose key is already waiting starts a new chunk (a line repeated in one
    file updates the article the first one wrote)."""

    ERRORS = (DatabaseError, ValidationError, ValueError)

    def __init__(self, write, *, done, fail, size=CHUNK):
        self.write, self.done, self.fail, self.size = write, done, fail, size
        self.pending, self.keys = [], set()

    def add(self, row, key=""):
        if key and key in self.keys:
            self.flush()
        self.pending.append(row)
        if key:
            self.keys.add(key)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self):
        rows, self.pending, self.keys = self.pending, [], set()
        if not rows:
            return
        try:
            with transaction.atomic():
                result = self.write(rows)
        except self.ERRORS as error:
            if len(rows) == 1:
                self.fail(rows[0], error)
                return
            for row in rows:
                try:
                    with transaction.atomic():
                        result = self.write([row])
                except self.ERRORS as error:
                    self.fail(row, error)
                else:
                    self.done(result)
            return
        self.done(result)
