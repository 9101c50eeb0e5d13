"""The PostgreSQL backend of the search (search/backends.py chooses it).

Two generated tsvector columns on SearchDocument, `vector` (every field,
weights A-D) and `head` (title, tags, summary), each with a GIN index
(fastupdate off: a search never reads a pending list). The reader's words
reach the database only as parameters of plainto_tsquery and
phraseto_tsquery, combined with && and || in SQL.

A pass (`ranked`) has two statements:

1. The candidates: the newest matching documents, from the GIN index only,
   within a window of the newest article ids (a BitmapAnd of the GIN index
   and the primary key), widened until it holds enough of them or covers
   every article. The planner is kept from its other plan, the primary key
   walked backwards with every row's vector unpacked and tested, which
   costs thousands of rows for a query of several common words.
2. Those candidates joined with the article table under the publication
   rule, and scored (ts_rank_cd) only when they are every match, or for
   the head, whose vectors are small.
"""

import json
from contextlib import contextmanager

from django.db import connection

BUILD_MEMORY = "256MB"  # maintenance_work_mem while the GIN indexes are built
FIRST_WINDOW = 4000  # the fewest article ids a window covers
NO_WALK = "SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off"
WALK = "RESET enable_indexscan; RESET enable_seqscan"


def tsquery(query, *, every_group):
    """The tsquery as SQL over parameters only: plainto_tsquery for one
    word, phraseto_tsquery for an alternative of several, || between
    alternatives, && or || between groups."""
    groups, params = [], []
    for group in query.groups:
        alternatives = []
        for words in group:
            function = "plainto_tsquery" if len(words) == 1 else "phraseto_tsquery"
            alternatives.append(f"{function}('simple'::regconfig, %s)")
            params.append(" ".join(words))
        groups.append("(" + " || ".join(alternatives) + ")")
    return (" && " if every_group else " || ").join(groups), params


def results(cursor, sql, params):
    """The rows of each statement of `sql` (several, separated by `;`, sent
    in one round trip: Django's client-side binding cursor; one implicit
    transaction when not in one already) that returns rows."""
    cursor.execute(sql, params)
    raw, rows = cursor.cursor, []
    while True:
        if raw.description is not None:
            rows.append(raw.fetchall())
        if not raw.nextset():
            return rows


def plan_rows(plan):
    """The rows the planner expects, from EXPLAIN (FORMAT JSON)."""
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def extent(cursor, column, sql_query, params):
    """(the newest document's id, the planner's estimate of the matches:
    the statistics ANALYZE keeps on the words, no row read), one round trip."""
    top, plan = results(
        cursor,
        "SELECT MAX(article_id) FROM search_searchdocument;"
        " EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument d"
        f" WHERE d.{column} @@ ({sql_query})",
        params,
    )
    return top[0][0], plan_rows(plan[0][0])


class PostgresBackend:
    vendor = "postgresql"
    COLUMNS = {"all": "vector", "head": "head"}

    def tsquery(self, query, *, every_group):
        return tsquery(query, every_group=every_group)

    def ranked(self, query, *, every_group, fields, limit, candidates, rule=None):
        """(ids best first, at most limit; how many candidates there were;
        whether they are every match).

        The newest matching documents are taken first, half as many again
        as the candidates (room for drafts and scheduled articles), from a
        window of the newest ids: the first from the planner's estimate of
        the matches, so that it usually holds enough of them; a wider one
        when it did not (each reads the GIN index again). Then the article
        table (the publication rule) and the scores: ts_rank_cd for the
        head's candidates always (small vectors), for every field's only
        when they are every match; otherwise those come by reads, then
        newest (search/engine.py puts the head matches before them). The
        planner's other plans are switched off for that statement only (SET
        LOCAL, then RESET, in the same round trip)."""
        from .backends import PHRASE_BOOST, WEIGHTS, like_pattern, published_where

        sql_query, ts_params = tsquery(query, every_group=every_group)
        where, params = rule or published_where()
        column = self.COLUMNS[fields]
        documents = candidates + candidates // 2
        weights = "'{" + ", ".join(str(w / 10) for w in WEIGHTS) + "}'"  # D, C, B, A
        rank = f"ts_rank_cd({weights}::float4[], c.v, c.q)"
        if fields == "all":
            rank = f"(CASE WHEN c.documents < %s AND c.found < %s THEN {rank} ELSE 0 END)"
        tail = [*([documents, candidates] if fields == "all" else [])]
        tail += [like_pattern(query.phrase), limit]

        def statement(readable=""):
            newest = (
                "SELECT *, COUNT(*) OVER () AS documents FROM ("
                f"SELECT d.article_id, d.{column} AS v, q.q"
                f" FROM (SELECT {sql_query} AS q) AS q, search_searchdocument d"
                f" WHERE d.{column} @@ q.q AND d.article_id > %s{readable}"
                " ORDER BY d.article_id DESC LIMIT %s) AS m"
            )
            ranked = (
                "SELECT c.id, c.found, c.documents FROM (SELECT *, COUNT(*) OVER () AS found"
                " FROM (SELECT articles_article.id, articles_article.title,"
                " articles_article.views, articles_article.published_at, n.v, n.q,"
                f" n.documents FROM ({newest}) AS n"
                " JOIN articles_article ON articles_article.id = n.article_id"
                f" WHERE {where} ORDER BY articles_article.id DESC LIMIT %s) AS newest) AS c"
                f" ORDER BY {rank} * (CASE WHEN c.title ILIKE %s THEN {PHRASE_BOOST}"
                " ELSE 1.0 END) DESC, c.views DESC, c.published_at DESC, c.id DESC LIMIT %s"
            )
            return f"{NO_WALK}; {ranked}; {WALK}", f"{NO_WALK}; {newest}; {WALK}"

        readable = (
            " AND EXISTS (SELECT 1 FROM articles_article WHERE"
            f" articles_article.id = d.article_id AND {where})"
        )
        with connection.cursor() as cursor:
            top, estimate = extent(cursor, column, sql_query, ts_params)
            if top is None:
                return [], 0, True
            window = max(FIRST_WINDOW, int(top * documents * 1.5 / max(estimate, 1)))
            sql, only_newest = statement()
            first = []  # the rule's params once more, after the first miss
            while True:
                low = top - window if window < top else 0
                args = [*ts_params, low, *first, documents]
                (rows,) = results(cursor, sql, [*args, *params, candidates, *tail])
                if rows:
                    seen = rows[0][2]
                else:
                    # None readable: how many documents did the window hold?
                    (seen_rows,) = results(cursor, only_newest, args)
                    seen = len(seen_rows)
                    if seen >= documents and not first:
                        # All drafts or scheduled: the rule applied before the limit.
                        sql, only_newest = statement(readable)
                        first = params
                        continue
                if seen >= documents or low == 0:
                    break
                # Wider, to hold half as many again as wanted at the density found.
                window = max(window * 4, int(window * documents * 1.5 / max(seen, 1)))
        if not rows:
            return [], 0, True
        found, seen = rows[0][1], rows[0][2]
        return [row[0] for row in rows], found, seen < documents and found < candidates

    def count(self, query, *, cap):
        """How many documents match some word, at most cap + 1 (drafts and
        scheduled articles included: an estimate). Counting a common word's
        documents reads thousands of rows, so when the planner's estimate
        (the statistics ANALYZE keeps on the words, no row read) is over
        twice the cap, that says "more than cap"; otherwise they are
        counted, up to cap + 1."""
        sql_query, ts_params = tsquery(query, every_group=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument d"
                f" WHERE d.vector @@ ({sql_query})",
                ts_params,
            )
            if plan_rows(cursor.fetchone()[0]) > 2 * cap:
                return cap + 1
            cursor.execute(
                "SELECT COUNT(*) FROM (SELECT 1"
                f" FROM (SELECT {sql_query} AS q) AS q, search_searchdocument d"
                " WHERE d.vector @@ q.q LIMIT %s) AS found",
                [*ts_params, cap + 1],
            )
            return cursor.fetchone()[0]

    def size(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_searchdocument')")
            return cursor.fetchone()[0]

    @contextmanager
    def bulk_load(self, *, fresh):
        """Around writing many documents. Into an empty index: its GIN
        indexes dropped first and built after the load (much faster than
        updating them row by row), with more memory for the build. Into a
        live one: the GIN indexes take the new entries in a pending list
        while the load runs (searches keep working, a little slower),
        merged into the index after."""
        from .schema import POSTGRES_INDEXES, POSTGRES_NO_PENDING

        with connection.cursor() as cursor:
            for name in POSTGRES_INDEXES:
                if fresh:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
                else:
                    cursor.execute(f"ALTER INDEX {name} SET (fastupdate = on)")
            try:
                yield
            finally:
                if fresh:
                    cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
                    for sql in POSTGRES_INDEXES.values():
                        cursor.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
                    cursor.execute("RESET maintenance_work_mem")
                else:
                    for sql in POSTGRES_NO_PENDING:
                        cursor.execute(sql)

    def optimize(self):
        """After many writes: the pending lists merged into the GIN indexes,
        the visibility map set and the statistics read afresh."""
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute("ANALYZE search_searchdocument")
            else:
                cursor.execute("VACUUM (ANALYZE) search_searchdocument")
