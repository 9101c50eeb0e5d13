"""What both importers write a chunk of articles at a time: the articles
(articles/bulk.py), their old addresses (one read, one upsert) and their
comments (one read of the import records, one of the comments, one insert
of each), so a chunk costs the same few queries whatever its size."""

from dataclasses import dataclass, field

from django.db.models import Q

from articles.bulk import Entry, write_articles
from articles.version import article_comments_changed, content_changed
from comments.models import Comment

from .importing import Report, plain_comment
from .lookup import normalise_query
from .models import ImportedObject, OldAddress

TARGETS = ("article", "category", "tag", "target_url")


@dataclass
class Row:
    """One old article ready to write: `old_id` names it in the report
    (DedeCMS's aid, WordPress's post id), `key` keys its old addresses
    (arc:12, post:12); `comments` are dicts of write_comments() fields."""

    old_id: str
    key: str
    entry: Entry
    addresses: list = field(default_factory=list)  # (path, query)
    comments: list = field(default_factory=list)


@dataclass
class Written:
    """What writing a chunk leaves for the rest of the run: kept apart
    until the chunk is in (a chunk the database refuses is written again
    row by row, and what it had gathered must not count)."""

    report: Report = field(default_factory=Report)
    linking: list = field(default_factory=list)  # our ids of bodies linking to old pages
    overlaps: list = field(default_factory=list)  # DedeCMS's /x/N.html pages
    tags: set = field(default_factory=set)  # tags whose old addresses are in

    def apply(self, command):
        command.report.merge(self.report)
        command.linking += self.linking


def write_rows(rows, *, source, report):
    """Write a chunk of rows; returns [(row, article)]."""
    results = write_articles([row.entry for row in rows])
    written = [(row, article) for row, (outcome, article) in zip(rows, results)]
    for _row, (outcome, _article) in zip(rows, results):
        report.count("article", outcome)
    record_addresses(
        source=source,
        report=report,
        addresses=[
            (path, query, row.key, {"article": article})
            for row, article in written
            for path, query in row.addresses
        ],
    )
    write_comments(
        source=source,
        report=report,
        comments=[dict(c, article=article) for row, article in written for c in row.comments],
    )
    return written


def record_addresses(*, source, addresses, report):
    """Record (or repoint) old addresses: (path, query, old id, target)
    each, the target one of {"article": ...}, {"category": ...},
    {"tag": ...}, {"target_url": ...}. Returns {(path, query): outcome}."""
    wanted = {}
    for path, query, old_id, target in addresses:
        path = "/" + (path or "").lstrip("/")
        query = normalise_query(query) if query else ""
        if len(path) > 400 or len(query) > 200:
            report.fail("address", path[:80], "旧地址太长(路径最多 400 个字符)")
            continue
        values = {"article": None, "category": None, "tag": None, "target_url": "", **target}
        wanted[(path, query)] = OldAddress(
            path=path, query=query, source=source, old_id=old_id, **values
        )
    if not wanted:
        return {}
    # Those recorded by an earlier run, found by the old ids (an index).
    old_ids = {row.old_id for row in wanted.values()}
    known = OldAddress.objects.filter(source=source, old_id__in=old_ids)
    known = {(row.path, row.query): row for row in known}
    outcomes, writes = {}, []
    for key, row in wanted.items():
        before = known.get(key)
        if before is None:
            outcomes[key] = "created"
        elif _target(before) != _target(row) or before.old_id != row.old_id:
            outcomes[key] = "updated"
        else:
            outcomes[key] = "skipped"
            continue
        writes.append(row)
    OldAddress.objects.bulk_create(
        writes,
        update_conflicts=True,
        unique_fields=["path", "query"],
        update_fields=[*TARGETS, "source", "old_id"],
    )
    for outcome in outcomes.values():
        report.count("address", outcome)
    if writes:
        content_changed()  # what the redirects answer (legacy/signals.py)
    return outcomes


def _target(row):
    return (row.article_id, row.category_id, row.tag_id, row.target_url)


def write_comments(*, source, comments, report):
    """Create or update comments, keyed on their old ids: dicts of
    old_id, article, nickname, body, created_at, visible, ip."""
    fields_of = {}
    for comment in comments:
        body = plain_comment(comment["body"])
        if not body:
            report.count("comment", "skipped")
            continue
        fields_of[comment["old_id"]] = {
            "article": comment["article"],
            "nickname": (comment["nickname"] or "").strip()[:20],
            "body": body,
            "created_at": comment["created_at"],
            "status": Comment.Status.APPROVED if comment["visible"] else Comment.Status.PENDING,
            "ip": comment["ip"] or None,
        }
    if not fields_of:
        return
    mapped = ImportedObject.objects.filter(source=source, kind="comment", old_id__in=fields_of)
    mapped = dict(mapped.values_list("old_id", "object_id"))
    existing = Comment.objects.in_bulk(list(mapped.values())) if mapped else {}
    new, changed, names, stale = {}, [], set(), set()
    for old_id, fields in fields_of.items():
        comment = existing.get(mapped.get(old_id))
        if comment is None:
            new[old_id] = Comment(**fields)
            continue
        wanted = dict(fields, article=fields["article"].pk)
        diff = [name for name, value in wanted.items() if _value(comment, name) != value]
        if not diff:
            report.count("comment", "skipped")
            continue
        if Comment.Status.APPROVED in (comment.status, fields["status"]):
            stale.add(comment.article_id)
        for name in diff:
            setattr(comment, name, fields[name])
        changed.append(comment)
        names.update(diff)
    Comment.objects.bulk_create(new.values())
    ImportedObject.objects.bulk_create(
        [
            ImportedObject(source=source, kind="comment", old_id=old_id, object_id=comment.pk)
            for old_id, comment in new.items()
        ],
        update_conflicts=True,
        unique_fields=["source", "kind", "old_id"],
        update_fields=["object_id"],
    )
    if changed:
        Comment.objects.bulk_update(changed, sorted(names))
    report.count("comment", "created", len(new))
    report.count("comment", "updated", len(changed))
    stale |= {c.article_id for c in new.values() if c.status == Comment.Status.APPROVED}
    if stale:
        article_comments_changed(stale)  # as comments/signals.py does per save


def _value(comment, name):
    """A field as compared: the article by its id (no query per comment)."""
    return comment.article_id if name == "article" else getattr(comment, name)


def old_address_links(*, source=None):
    """For rewrite_body(links=): an old article's href -> its new address."""
    from .bodies import old_key

    def new_address(href):
        if not href or href.startswith("#"):
            return None
        path, query = old_key(href)
        rows = OldAddress.objects.filter(
            Q(query="") | Q(query=query) if query else Q(query=""), path=path
        )
        if source:
            rows = rows.filter(source=source)
        row = rows.select_related("article__category").exclude(article=None).first()
        return row.article.get_absolute_url() if row else None

    return new_address
