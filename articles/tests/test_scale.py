"""Reader pages at a few thousand articles: no query reads a whole table.

The query counts are pinned in test_queries.py at demo size; here the
same pages run over 3,000 articles and every SELECT is explained: none may
walk the articles, their tag links or the comments row by row (a cost that
grows with the site). SQLite's plans are read after ANALYZE, as
prepare_site and refresh_pages leave them (articles/planner.py);
PostgreSQL's with sequential scans priced out, so a scan that remains has
no index to use.
"""

import random
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, Category
from articles.planner import update_statistics
from articles.version import version
from comments.models import Comment

from .test_queries import count_queries

pytestmark = pytest.mark.django_db

ARTICLES = 3000
BIG_TABLES = ("articles_article", "taggit_taggeditem", "comments_comment")


@pytest.fixture
def big_site():
    rnd = random.Random(7)
    categories = Category.objects.bulk_create(
        Category(name=f"分类{n}", slug=f"fenlei{n}", order=n) for n in range(12)
    )
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"第{n}篇运营文章",
            category=categories[n % 12],
            body=f"<p>正文{n}</p>",
            body_text=f"正文{n}",
            status=Article.Status.PUBLISHED if n % 50 else Article.Status.DRAFT,
            published_at=now - timedelta(hours=n),
            views=rnd.randint(0, 10_000),
            is_pinned=n % 500 == 0,
        )
        for n in range(ARTICLES)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"标签{n}", slug=f"biaoqian{n}") for n in range(200))
    content_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, object_id=article.pk, content_type=content_type)
        for article in articles
        for tag in {tags[0], *rnd.sample(tags, 3)}
    )
    Comment.objects.bulk_create(
        Comment(article=articles[n % 300], body="评论", status="approved") for n in range(3000)
    )
    update_statistics()  # as prepare_site and refresh_pages leave them
    return articles, categories


def explain(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)  # no params: a LIKE pattern holds a literal %
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def table_scans(plan, sql):
    """The plan's walks over a big table. An index walked in the order asked
    for, stopped by a LIMIT (a newest-first page), is bounded and allowed."""
    if connection.vendor == "postgresql":
        return [line for line in plan if any(f"Seq Scan on {t}" in line for t in BIG_TABLES)]
    sorted_in_memory = any("TEMP B-TREE" in line for line in plan)

    def bounded(line):
        return " USING " in line and "INDEX" in line and "LIMIT" in sql and not sorted_in_memory

    def walk(line):
        # A scan, or a "search" whose only bound is the publication rule:
        # that range holds every live article.
        return any(line.startswith(f"SCAN {t}") for t in BIG_TABLES) or (
            line.startswith("SEARCH articles_article") and "(status=? AND published_at<?)" in line
        )

    return [line for line in plan if walk(line) and not bounded(line)]


def pages(articles, categories):
    article = next(a for a in articles if a.status == Article.Status.PUBLISHED)
    category = categories[1]
    last = (ARTICLES // 12) // 20 + 1
    return [
        "/",
        article.get_absolute_url(),
        f"/{category.slug}/",
        f"/{category.slug}/?page=5",
        f"/{category.slug}/?page={last}",
        "/tags/biaoqian0/",
        "/tags/biaoqian7/",
        "/sitemap/",
        f"/sitemap/{category.slug}/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-categories.xml",
        "/feed/",
        f"/comments/{article.pk}/all/",
        f"/comments/{article.pk}/all/?page=1",
    ]


def scans_of(client, paths):
    """{path: [(sql, scans)]} of the SELECTs that walk a big table."""
    found = {}
    for path in paths:
        cache.clear()
        version.forget()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            scans = table_scans(explain(sql, ()), sql)
            if scans:
                found.setdefault(path, []).append((sql[:300], scans))
    return found


def test_no_reader_page_reads_a_whole_table(client, big_site):
    found = scans_of(client, pages(*big_site))
    # The XML sitemap needs the number of live articles for its number of
    # sections: an index-only count, once per content version (a few ms at
    # 100,000 articles), and the one whole-range read allowed.
    for path in ("/sitemap.xml", "/sitemap-articles.xml"):
        sitemap = found.pop(path, [])
        assert [sql[:40] for sql, _ in sitemap] in (
            [],
            ['SELECT COUNT(*) AS "__count" FROM "artic'],
        )
        assert all("COVERING INDEX" in line for _, scans in sitemap for line in scans)
    assert found == {}


def test_moderators_lists_read_no_whole_table(admin_client, big_site):
    """The comment list newest first, all or waiting for moderation, and the
    article list with its 评论 column: no scan of a million rows."""
    paths = [
        "/admin/comments/comment/",
        "/admin/comments/comment/?status__exact=pending",
        "/admin/comments/comment/?p=3",
        "/admin/comments/comment/?q=评论",
        "/admin/articles/article/",
    ]
    assert scans_of(admin_client, paths) == {}


def test_query_counts_at_this_size_are_those_pinned_at_demo_size(client, big_site):
    """The budgets of test_queries.py (60 articles) hold unchanged over
    3,000: no page runs more queries because the site is larger."""
    articles, categories = big_site
    article = next(a for a in articles[600:] if a.status == Article.Status.PUBLISHED)
    category = categories[1]
    last = (ARTICLES // 12) // 20 + 1
    counts = {
        path: count_queries(client, path)
        for path in (
            "/",
            "/sitemap/",
            "/feed/",
            f"/{category.slug}/",
            f"/{category.slug}/?page=5",
            f"/{category.slug}/?page={last}",
            "/tags/biaoqian0/",
            article.get_absolute_url(),
        )
    }
    assert counts == {
        "/": 8,
        "/sitemap/": 7,
        "/feed/": 1,
        f"/{category.slug}/": 7,
        f"/{category.slug}/?page=5": 7,
        f"/{category.slug}/?page={last}": 7,
        "/tags/biaoqian0/": 8,
        article.get_absolute_url(): 10,
    }


def rows_read(sql):
    """{table: rows} a query read from each big table, as PostgreSQL ran it
    (EXPLAIN ANALYZE: every scan's rows kept and filtered out, per loop)."""
    import json

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql.replace("%", "%%"))
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    read = {}

    def visit(node):
        table = node.get("Relation Name")
        if table in BIG_TABLES:
            rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
            read[table] = read.get(table, 0) + rows * node.get("Actual Loops", 1)
        for child in node.get("Plans", ()):
            visit(child)

    visit(plan[0]["Plan"])
    return read


def test_home_and_article_queries_read_a_bounded_number_of_rows(client, big_site):
    """As PostgreSQL runs them (EXPLAIN ANALYZE), the home page's and an
    article page's queries read at most a few hundred of the 3,000
    articles, and of the 12,000 tag links those of the 相关文章 candidates
    (up to 510 articles with 4 tags each, whatever the size of the site):
    an OR of IN subqueries (read as a filter over the whole table),
    taggit's cast of object_id (every tag link hashed) or an OR around the
    publish time (no range for the index) each read thousands. SQLite has
    no row counts to give: its plans for the same queries may walk no big
    table (as in test_no_reader_page_reads_a_whole_table)."""
    articles, _ = big_site
    article = next(a for a in articles[1500:] if a.status == Article.Status.PUBLISHED)
    found = {}
    for path in ("/", article.get_absolute_url()):
        cache.clear()
        version.forget()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        found.update(
            reading_too_much(queries, {"articles_article": 600, "taggit_taggeditem": 3000})
        )
    assert found == {}


def reading_too_much(queries, limits, default=None):
    """The SELECTs among `queries` that read more rows of a table than its
    limit (PostgreSQL's EXPLAIN ANALYZE), or on SQLite whose plan walks a
    big table; each with what it read."""
    found = {}
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        if connection.vendor == "postgresql":
            read = rows_read(sql)
            if any(rows > limits.get(table, default or rows) for table, rows in read.items()):
                found[sql[:200]] = read
        elif scans := table_scans(explain(sql, ()), sql):
            found[sql[:200]] = scans
    return found


def test_a_page_of_the_most_used_tag_reads_a_bounded_number_of_rows(client, big_site):
    """Page 3 of a tag on every article, its count already cached: the ids
    from the publication index, then those rows by id. Through taggit's join
    (PostgreSQL casts object_id) the rows would come with every link of the
    tag; on SQLite, no plan may walk a big table."""
    assert client.get("/tags/biaoqian0/").status_code == 200  # counted, once per version
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tags/biaoqian0/?page=3").status_code == 200
    assert reading_too_much(queries, {}, default=600) == {}


def work_of(sql):
    """What running a query costs, comparably between two of its runs:
    PostgreSQL's rows read of the articles (EXPLAIN ANALYZE); SQLite's
    virtual machine instructions (its progress handler), which grow with
    the index entries a query walks though its plan reads the same."""
    if connection.vendor == "postgresql":
        return rows_read(sql).get("articles_article", 0)
    raw = connection.connection
    ticks = []
    raw.set_progress_handler(lambda: ticks.append(1), 10)
    try:
        raw.execute(sql).fetchall()
    finally:
        raw.set_progress_handler(None, 10)
    return len(ticks) * 10


def test_an_old_articles_neighbours_cost_what_a_new_ones_do(big_site):
    """上一篇 / 下一篇 of an article four months old and of one from
    yesterday, in the same category: the same work. Bounded by both the
    publication rule's "up to now" and "up to this article", SQLite walked
    the category's index down from now to the article (6 ms for an article
    from 2020 at 100,000 articles)."""
    articles, categories = big_site
    live = [
        a
        for a in articles
        if a.status == Article.Status.PUBLISHED and a.category_id == categories[1].pk
    ]
    new, old = live[2], live[-3]  # published_at: now - n hours for the n-th
    assert (timezone.now() - old.published_at).days > 100
    work = {}
    for article in (new, old):
        with CaptureQueriesContext(connection) as queries:
            older, newer = article.previous_and_next()
        assert older and newer
        work[article] = [work_of(q["sql"]) for q in queries]
    assert len(work[old]) == len(work[new]) == 2
    for old_work, new_work in zip(work[old], work[new], strict=True):
        assert old_work <= 2 * new_work + 50, work
