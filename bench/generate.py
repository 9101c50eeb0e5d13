"""A site of realistic size in minutes, for `make bench-scale` (bench/scale.py).

    DATABASE_URL=... .venv/bin/python -m bench.generate --articles 100000 --comments 1000000

Run it on a database `manage.py prepare_site` has made (migrated, with the
demo articles and categories). It adds, through bulk inserts on Django's
connection (COPY on PostgreSQL, executemany in one transaction per chunk on
SQLite), never the ORM one by one:

- the categories up to 12 (bench/phrases.py), and tags up to --tags (5,000);
- --articles articles with original text composed from bench/phrases.py
  (paragraphs, 一、二、 headings, 1、2、 points, lists; a few KB each), 2 to 5
  tags each (one on the article's topic, the others by Zipf rank, so a few
  tags are on thousands of articles), read counts Zipf-distributed (s=1.1),
  publish dates over ten years (denser recently), ids in publication order,
  a few drafts and scheduled articles, a few pinned and recommended;
- --comments comments on the live ones, more on the more read (weights
  views^0.6), mostly approved, some pending, a few rejected or spam;

with what the model fills on save computed the same way: `body_text` by
articles.text.plain_text, the SEO fields as Article.fill_seo() and
fill_seo_keywords() would, `comments_changed_at` as the site stamps it
(when the last visible comment appeared). The bodies pass the allow-list
unchanged (checked on a sample). It does not bump the content version:
run `manage.py refresh_pages` afterwards, as the README says for data
changed outside the site.

Prints progress on stderr and, last on stdout, one JSON line of counts and
timings (bench/scale.py reads it).
"""

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1000
ZIPF_S = 1.1
TOP_VIEWS = 600_000
CHINA = timedelta(hours=8)
STATUS_SHARES = [("approved", 0.92), ("pending", 0.06), ("rejected", 0.01), ("spam", 0.01)]
PLATFORMS = ["淘宝", "天猫", "京东", "拼多多", "抖音", "亚马逊", "快手", "速卖通"]
TAG_SUFFIXES = ["技巧", "教程", "规则", "案例", "工具", "入门"]
GOODS_SUFFIXES = ["货源", "批发", "拍摄", "文案", "定价", "推广", "卖点"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def rate(count, seconds):
    return f"{count:,} in {seconds:.1f} s ({count / max(seconds, 1e-9):,.0f} rows/s)"


class Writer:
    """Bulk inserts through Django's connection."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        if not self.postgres:
            # Bench data: a crash mid-load means starting again anyway.
            connection.connection.execute("PRAGMA synchronous=OFF")

    def moment(self, value):
        """A datetime as the backend stores it (Django keeps naive UTC text in SQLite)."""
        if value is None or self.postgres:
            return value
        return str(value.astimezone(UTC).replace(tzinfo=None))

    def insert(self, table, columns, rows):
        names = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        if self.postgres:
            cursor = self.connection.connection.cursor()
            with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.connection.connection.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows
            )


def zipf_cumulative(count, s):
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank**s
        cumulative.append(total)
    return cumulative


def tag_names(wanted, existing):
    """`wanted` distinct tag names: the topics themselves first (every article
    gets the tag of its topic), then goods x topic, platform x topic, ..."""
    from bench import phrases

    taken = {name.lower() for name in existing}
    names = []
    plain = [t for t in phrases.TOPICS if t.isascii() or not any(c.isascii() for c in t)]
    candidates = itertools.chain(
        phrases.TOPICS,
        phrases.GOODS,
        (g + t for g in phrases.GOODS for t in plain),
        (p + t for p in PLATFORMS for t in plain),
        (p + g for p in PLATFORMS for g in phrases.GOODS),
        (t + s for t in phrases.TOPICS for s in TAG_SUFFIXES),
        (g + s for g in phrases.GOODS for s in GOODS_SUFFIXES),
    )
    for name in candidates:
        if len(names) >= wanted:
            break
        if name.lower() not in taken:
            taken.add(name.lower())
            names.append(name)
    return names


class Composer:
    """Titles, bodies and comments from bench/phrases.py."""

    def __init__(self, rng):
        from bench import phrases

        self.rng = rng
        self.p = phrases
        self.deck = []

    def words(self, platform, topic, goods):
        rng = self.rng
        return {
            "p": platform,
            "t": topic,
            "t2": rng.choice(self.p.TOPICS),
            "g": goods,
            "n": rng.randint(3, 9),
            "x": rng.randint(8, 60),
            "y": rng.randint(2016, 2025),
            "d": rng.choice([3, 7, 7, 14, 15, 30, 30, 60, 90]),
        }

    def title(self, words):
        return self.rng.choice(self.p.TITLES).format_map(words)[:200]

    def sentences(self, words, count):
        """`count` sentences, none repeated within an article (see body())."""
        picked = []
        for _ in range(count):
            if not self.deck:
                self.deck = self.p.SENTENCES[:]
                self.rng.shuffle(self.deck)
            picked.append(self.deck.pop().format_map(words))
        return picked

    def paragraph(self, words, count):
        return "<p>" + "".join(self.sentences(words, count)) + "</p>"

    def body(self, words):
        rng, p = self.rng, self.p
        self.deck = []
        parts = [f"<p>{rng.choice(p.INTROS).format_map(words)}</p>"]
        headings = rng.sample(p.HEADINGS, rng.randint(3, 6))
        numerals = "一二三四五六七八九十"
        for number, heading in enumerate(headings):
            parts.append(f"<h2>{numerals[number]}、{heading.format_map(words)}</h2>")
            kind = rng.random()
            if kind < 0.35:
                points = rng.sample(p.POINT_TITLES, rng.randint(3, 6))
                for index, point in enumerate(points, start=1):
                    (sentence,) = self.sentences(words, 1)
                    parts.append(f"<p>{index}、<strong>{point}</strong>:{sentence}</p>")
            elif kind < 0.5:
                parts.append(self.paragraph(words, rng.randint(2, 3)))
                items = self.sentences(words, rng.randint(3, 5))
                parts.append("<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>")
            else:
                for _ in range(rng.randint(1, 3)):
                    parts.append(self.paragraph(words, rng.randint(3, 5)))
            if rng.random() < 0.08:
                parts.append(f'<p class="tip">{rng.choice(p.TIPS).format_map(words)}</p>')
        parts.append(f"<p>{rng.choice(p.CLOSINGS).format_map(words)}</p>")
        return "\n".join(parts)

    def summary(self, words):
        self.deck = []
        return "".join(self.sentences(words, 2))

    def nickname(self):
        rng = self.rng
        if rng.random() < 0.1:
            return ""  # shown as 匿名网友
        name = rng.choice(self.p.NICK_PREFIXES) + rng.choice(self.p.NICK_SUFFIXES)
        if rng.random() < 0.5:
            name += str(rng.randint(1, 9999))
        return name[:20]

    def comment(self, words):
        rng, p = self.rng, self.p
        middle = rng.choice(p.COMMENT_MIDDLES).format_map(words)
        return rng.choice(p.COMMENT_OPENERS) + middle + rng.choice(p.COMMENT_ENDINGS)


def plan_articles(rng, count, categories, now):
    """Everything about each article but its text: category, dates, status,
    read count, flags, in publication order (ids follow it)."""
    start = now - timedelta(days=3653)
    span = (now - start).total_seconds()
    weights = [c["share"] for c in categories]
    cumulative = list(itertools.accumulate(weights))
    drafts = max(1, count * 3 // 1000)
    scheduled = max(1, count // 1000)
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    plans = []
    for index in range(count):
        category = rng.choices(categories, cum_weights=cumulative)[0]
        # Denser recently: the share of articles before x is x^1.67.
        moment = start + timedelta(seconds=span * rng.random() ** 0.6)
        # Editors publish in China's daytime and evening.
        china_day = (moment + CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
        moment = china_day - CHINA + timedelta(seconds=rng.randint(8 * 3600, 23 * 3600))
        moment = min(moment, now - timedelta(minutes=5))
        views = int(TOP_VIEWS / ranks[index] ** ZIPF_S) + rng.randint(0, 30)
        plans.append({"category": category, "published_at": moment, "views": views})
    plans.sort(key=lambda plan: plan["published_at"])
    for plan in plans[-(drafts + scheduled) :]:
        plan["views"] = 0
    for plan in plans[-(drafts + scheduled) : -scheduled]:
        plan["status"] = "draft"
    for plan in plans[-scheduled:]:
        plan["status"] = "published"
        plan["published_at"] = now + timedelta(days=rng.uniform(3, 30))
    for plan in plans:
        plan.setdefault("status", "published")
        plan["live"] = plan["status"] == "published" and plan["published_at"] <= now
        plan["recommended"] = plan["live"] and rng.random() < 0.005
        plan["pinned"] = False
    live = [plan for plan in plans if plan["live"]]
    for category in categories:  # two pinned articles per category, among the recent
        mine = [plan for plan in live[-2000:] if plan["category"] is category]
        for plan in rng.sample(mine, min(2, len(mine))):
            plan["pinned"] = True
    return plans


def comment_counts(rng, plans, total):
    """How many comments each live article gets: weights views^0.6, so the
    most read have hundreds or thousands and the long tail a few or none."""
    live = [i for i, plan in enumerate(plans) if plan["live"]]
    counts = [0] * len(plans)
    if not live or total <= 0:
        return counts
    weights = [plans[i]["views"] ** 0.6 + 0.5 for i in live]
    whole = sum(weights)
    for i, weight in zip(live, weights):
        counts[i] = int(total * weight / whole)
    rest = total - sum(counts)
    for i in rng.choices(live, weights=weights, k=rest):
        counts[i] += 1
    return counts


def article_columns(Article):
    return [field.column for field in Article._meta.concrete_fields]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Category
    from articles.sanitize import clean_html
    from articles.text import cut, excerpt, plain_text
    from bench import phrases
    from comments.models import Comment

    rng = random.Random(args.seed)
    compose = Composer(rng)
    writer = Writer(connection)
    now = datetime.now(UTC)
    started = time.perf_counter()
    timings = {}

    # Categories: the demo's, then ours up to 12.
    existing = {c.slug: c for c in Category.objects.all()}
    for order, (slug, name, description, _, _) in enumerate(phrases.CATEGORIES):
        if slug not in existing:
            existing[slug] = Category.objects.create(
                slug=slug, name=name, description=description, order=order
            )
    categories = [
        {
            "id": existing[slug].pk,
            "name": existing[slug].name,
            "platforms": platforms,
            "share": share,
        }
        for slug, _, _, platforms, share in phrases.CATEGORIES
    ]

    # Tags: the existing ones count towards --tags.
    tag_started = time.perf_counter()
    old_tags = list(Tag.objects.values_list("id", "name"))
    next_tag = (Tag.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    new_names = tag_names(max(0, args.tags - len(old_tags)), [n for _, n in old_tags])
    slugs = {slug for slug in Tag.objects.values_list("slug", flat=True)}
    tag_rows = []
    for offset, name in enumerate(new_names):
        slug = Tag().slugify(name)
        if slug in slugs:
            slug = Tag().slugify(name, offset)
        slugs.add(slug)
        tag_rows.append((next_tag + offset, name, slug))
    with transaction.atomic():
        writer.insert(Tag._meta.db_table, ["id", "name", "slug"], tag_rows)
    tags = [(pk, name) for pk, name in old_tags] + [(pk, name) for pk, name, _ in tag_rows]
    tag_by_name = {name: pk for pk, name in tags}
    tag_name = dict(tags)
    # Zipf ranks: the general tags (the demo's, topics, goods) in a random
    # order first, then the combined ones ("女装主图") in a random order.
    general = {name for _, name in old_tags} | set(phrases.TOPICS) | set(phrases.GOODS)
    first = [tag for tag in tags if tag[1] in general]
    rest = [tag for tag in tags if tag[1] not in general]
    rng.shuffle(first)
    rng.shuffle(rest)
    tag_ranking = first + rest
    tag_cumulative = zipf_cumulative(len(tag_ranking), 1.0)
    timings["tags"] = time.perf_counter() - tag_started

    plans = plan_articles(rng, args.articles, categories, now)
    counts = comment_counts(rng, plans, args.comments)

    columns = article_columns(Article)
    known = {
        "id",
        "title",
        "category_id",
        "summary",
        "body",
        "body_text",
        "cover",
        "cover_width",
        "cover_height",
        "status",
        "published_at",
        "created_at",
        "updated_at",
        "views",
        "comments_changed_at",
        "seo_title",
        "seo_keywords",
        "seo_description",
        "source_url",
        "is_pinned",
        "is_recommended",
        "thumbnail",
        "created_by_id",
        "updated_by_id",
    }
    defaults = {}
    for field in Article._meta.concrete_fields:
        if field.column not in known:
            defaults[field.column] = field.get_db_prep_save(field.get_default(), connection)
            log(f"generate: Article.{field.name} is new to the bench: its default is stored")
    comment_columns = [f.column for f in Comment._meta.concrete_fields]
    tagged_columns = [f.column for f in TaggedItem._meta.concrete_fields]
    content_type = ContentType.objects.get_for_model(Article).pk
    next_article = (Article.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_comment = (Comment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_tagged = (TaggedItem.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    statuses = [s for s, _ in STATUS_SHARES]
    status_cumulative = list(itertools.accumulate(share for _, share in STATUS_SHARES))

    written = {"articles": 0, "comments": 0, "tagged": 0, "body_bytes": 0}
    build_seconds = insert_seconds = 0.0
    checked = 0
    last_report = time.perf_counter()
    log(
        f"generate: {args.articles:,} articles, {args.comments:,} comments, "
        f"{len(tags):,} tags ({len(tag_rows):,} new in {timings['tags']:.1f} s)"
    )
    for chunk_start in range(0, len(plans), CHUNK):
        build_started = time.perf_counter()
        article_rows, tagged_rows, comment_rows = [], [], []
        for index in range(chunk_start, min(chunk_start + CHUNK, len(plans))):
            plan = plans[index]
            pk = next_article + index
            category = plan["category"]
            topic = rng.choice(phrases.TOPICS)
            goods = rng.choice(phrases.GOODS)
            words = compose.words(rng.choice(category["platforms"]), topic, goods)
            title = compose.title(words)
            body = compose.body(words)
            if checked < 50:  # the bodies are what the allow-list would store
                assert clean_html(body) == body, body
                checked += 1
            body_text = plain_text(body)
            summary = compose.summary(words) if rng.random() < 0.4 else ""

            chosen = [tag_by_name[topic]] if topic in tag_by_name else []
            while len(chosen) < rng.randint(2, 5):
                pick = tag_ranking[bisect.bisect(tag_cumulative, rng.random() * tag_cumulative[-1])]
                if pick[0] not in chosen:
                    chosen.append(pick[0])
            for tag_pk in chosen:
                values = {
                    "id": next_tagged,
                    "object_id": pk,
                    "content_type_id": content_type,
                    "tag_id": tag_pk,
                }
                tagged_rows.append(tuple(values[c] for c in tagged_columns))
                next_tagged += 1
            keywords = ""  # as Article.fill_seo_keywords() writes them
            for name in sorted(tag_name[tag_pk] for tag_pk in chosen):
                candidate = f"{keywords},{name}" if keywords else name
                if len(candidate) > 200:
                    break
                keywords = candidate

            published = plan["published_at"]
            stamp = None
            for _ in range(counts[index]):
                # Most comments come soon after the article appears.
                moment = published + (now - published) * rng.random() ** 3
                status = statuses[bisect.bisect(status_cumulative, rng.random())]
                if status == "approved" and (stamp is None or moment > stamp):
                    stamp = moment
                values = {
                    "id": next_comment,
                    "article_id": pk,
                    "nickname": compose.nickname(),
                    "body": compose.comment(words),
                    "status": status,
                    "created_at": writer.moment(moment),
                    "ip": f"{rng.choice([36, 39, 58, 113, 117, 183, 223])}.{rng.randint(0, 255)}."
                    f"{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                    "user_agent": rng.choice(phrases.BROWSERS),
                    # The moderation rules' note and the repeat fingerprint:
                    # empty, as on comments written before they existed.
                    "held_reason": "",
                    "fingerprint": "",
                }
                comment_rows.append(tuple(values[c] for c in comment_columns))
                next_comment += 1

            if plan["status"] == "draft" or not plan["live"]:
                created = now - timedelta(days=rng.uniform(0, 5))
            else:
                created = published - timedelta(minutes=rng.randint(5, 3 * 24 * 60))
            updated = published + timedelta(minutes=rng.randint(0, 30))
            if plan["live"] and rng.random() < 0.2:  # edited again later
                updated = min(now, published + timedelta(days=rng.uniform(1, 700)))
            seo_description = excerpt(summary, 120) if summary else cut(body_text, 120)
            values = {
                **defaults,
                "id": pk,
                "title": title,
                "category_id": category["id"],
                "summary": summary,
                "body": body,
                "body_text": body_text,
                "cover": "",
                "cover_width": None,
                "cover_height": None,
                "status": plan["status"],
                "published_at": writer.moment(published),
                "created_at": writer.moment(created),
                "updated_at": writer.moment(updated),
                "views": plan["views"],
                "comments_changed_at": writer.moment(stamp),
                "seo_title": title[:200],
                "seo_keywords": keywords,
                "seo_description": seo_description,
                "source_url": "",
                "is_pinned": plan["pinned"],
                "is_recommended": plan["recommended"],
                "thumbnail": "",
                "created_by_id": None,
                "updated_by_id": None,
            }
            article_rows.append(tuple(values[c] for c in columns))
            written["body_bytes"] += len(body.encode())
        insert_started = time.perf_counter()
        build_seconds += insert_started - build_started
        with transaction.atomic():
            writer.insert(Article._meta.db_table, columns, article_rows)
            writer.insert(TaggedItem._meta.db_table, tagged_columns, tagged_rows)
            writer.insert(Comment._meta.db_table, comment_columns, comment_rows)
        insert_seconds += time.perf_counter() - insert_started
        written["articles"] += len(article_rows)
        written["tagged"] += len(tagged_rows)
        written["comments"] += len(comment_rows)
        if time.perf_counter() - last_report > 10 or written["articles"] == len(plans):
            last_report = time.perf_counter()
            elapsed = last_report - started
            log(
                f"generate: {written['articles']:,}/{len(plans):,} articles, "
                f"{written['comments']:,} comments, {elapsed:.0f} s "
                f"(composing {build_seconds:.0f} s, inserting {insert_seconds:.0f} s)"
            )

    finish_started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Article, Comment, Tag, TaggedItem]
        ):
            cursor.execute(sql)
        if writer.postgres:
            # What autovacuum does within a minute or so of a load this size.
            cursor.execute("ANALYZE")
    timings["finish"] = time.perf_counter() - finish_started
    total = time.perf_counter() - started
    rows = written["articles"] + written["comments"] + written["tagged"] + len(tag_rows)
    log(
        f"generate: done in {total:.0f} s: {rate(rows, total)} overall; articles "
        f"{written['articles']:,} ({written['body_bytes'] / max(written['articles'], 1) / 1024:.1f} KB "
        f"of body each), comments {written['comments']:,}, tag links {written['tagged']:,}"
    )
    print(
        json.dumps(
            {
                **written,
                "tags_total": len(tags),
                "tags_new": len(tag_rows),
                "drafts": sum(p["status"] == "draft" for p in plans),
                "scheduled": sum(p["status"] == "published" and not p["live"] for p in plans),
                "max_comments": max(counts, default=0),
                "seconds": total,
                "compose_seconds": build_seconds,
                "insert_seconds": insert_seconds,
                "finish_seconds": timings["finish"],
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
