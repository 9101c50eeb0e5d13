"""The two index backends, chosen by the database in use; neither needs a
database extension.

- SQLite: two FTS5 tables (`search_fts` over every field, `search_fts_head`
  over the title, tags and summary; external content over SearchDocument,
  kept in step by triggers) with the unicode61 tokenizer reading the
  segmenter's output; ranked by bm25 with column weights.
- PostgreSQL: a generated tsvector column on SearchDocument, built with the
  `simple` configuration from the segmented text and weighted A (title),
  B (tags), C (summary), D (body), with a GIN index; ranked by ts_rank_cd.
  The reader's words reach it only as parameters of plainto_tsquery and
  phraseto_tsquery, combined with && and || in SQL.

Both take a parsed query (search.query.Query: groups of alternatives, each
alternative one or more words) and return article ids, best first, only of
articles readers may see: the rows are joined with the article table under
the publication rule (`Article.objects.published()`, compiled to SQL here, so
the rule stays in articles/querysets.py).

The work of one search is bounded: the index finds the matching rows, the
newest `candidates` of them that readers may see are taken in index order
(the article id, cheap: no score is computed to choose them), and only those
are scored and ordered. `fields="head"` matches the title, tags and summary
only (FTS5: the head table; PostgreSQL: a second, small tsvector with its
own GIN index), `fields="all"` every field; search/engine.py combines the two.
A common word thus costs the same as a rare one: no query scores or joins
every article that contains it.

Order within the candidates: the index's score, times 2 when the title
contains the whole query (a phrase match), then the read count, then the
newest.
"""

import json

from django.db import connection

from articles.models import Article

from .schema import (  # noqa: F401 (the migrations import them from here)
    POSTGRES_HEAD_SETUP,
    POSTGRES_HEAD_TEARDOWN,
    POSTGRES_SETUP,
    POSTGRES_TEARDOWN,
    SQLITE_HEAD_SETUP,
    SQLITE_HEAD_TEARDOWN,
    SQLITE_SETUP,
    SQLITE_TEARDOWN,
)

TITLE_WEIGHT, TAGS_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10.0, 5.0, 2.0, 1.0
PHRASE_BOOST = 2.0


def published_where():
    """The publication rule as SQL over `articles_article`, with its params."""
    queryset = Article.objects.published()
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(query.where)
    return sql, list(params)


def like_pattern(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SQLiteBackend:
    vendor = "sqlite"
    TABLES = {"all": "search_fts", "head": "search_fts_head"}

    @staticmethod
    def _quote(word):
        return '"' + word.replace('"', '""') + '"'

    def match_expression(self, query, *, every_group):
        """An FTS5 query: each word quoted (a string, never syntax), the
        alternatives of a group ORed, the groups ANDed or ORed."""
        groups = []
        for group in query.groups:
            alternatives = [self._quote(" ".join(words)) for words in group]
            groups.append("(" + " OR ".join(alternatives) + ")")
        return (" AND " if every_group else " OR ").join(groups)

    def ranked(self, query, *, every_group, fields, limit, candidates, rule=None):
        """(ids best first, at most limit; how many candidates there were;
        whether they are every match).

        The head table's candidates are scored by bm25 (title 10, tags 5,
        summary 2). For every field, bm25 first reads the whole list of each
        word (FTS5 counts the documents for the idf), a cost that grows with
        the corpus: it is paid only when every match fits in the candidates;
        otherwise the newest candidates are returned by reads, then newest
        (search/engine.py puts the head matches before them)."""
        where, params = rule or published_where()
        expression = self.match_expression(query, every_group=every_group)
        table = self.TABLES[fields]
        boost = f"(CASE WHEN articles_article.title LIKE %s ESCAPE '\\' THEN {PHRASE_BOOST} ELSE 1.0 END)"
        join = (
            f"FROM {table} CROSS JOIN articles_article ON articles_article.id = {table}.rowid"
            f" WHERE {table} MATCH %s AND {where}"
        )
        if fields == "head":
            sql = (
                "SELECT id, COUNT(*) OVER () FROM (SELECT articles_article.id AS id,"
                f" bm25({table}, {TITLE_WEIGHT}, {TAGS_WEIGHT}, {SUMMARY_WEIGHT}) * {boost}"
                " AS score, articles_article.views AS views,"
                f" articles_article.published_at AS published_at {join}"
                f" ORDER BY {table}.rowid DESC LIMIT %s)"
                " ORDER BY score, views DESC, published_at DESC, id DESC LIMIT %s"
            )
            args = [like_pattern(query.phrase), expression, *params, candidates, limit]
        else:
            sql = (
                "SELECT id, COUNT(*) OVER () FROM (SELECT articles_article.id AS id,"
                " articles_article.views AS views,"
                f" articles_article.published_at AS published_at {join}"
                f" ORDER BY {table}.rowid DESC LIMIT %s)"
                " ORDER BY views DESC, published_at DESC, id DESC LIMIT %s"
            )
            args = [expression, *params, candidates, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
            found = rows[0][1] if rows else 0
            if fields == "all" and 0 < found < candidates:
                cursor.execute(
                    "SELECT articles_article.id,"
                    f" bm25({table}, {TITLE_WEIGHT}, {TAGS_WEIGHT}, {SUMMARY_WEIGHT}, {BODY_WEIGHT})"
                    f" * {boost} AS score {join}"
                    " ORDER BY score, articles_article.views DESC,"
                    " articles_article.published_at DESC, articles_article.id DESC LIMIT %s",
                    [like_pattern(query.phrase), expression, *params, limit],
                )
                rows = cursor.fetchall()
        return [row[0] for row in rows], found, found < candidates

    def count(self, query, *, cap):
        """How many documents match some word, counted in the index alone
        (drafts and scheduled articles included: an estimate), at most cap + 1."""
        sql = "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)"
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query, every_group=False), cap + 1])
            return cursor.fetchone()[0]

    def size(self):
        """Bytes the index takes: the documents and the FTS5 tables."""
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%%'"
                    " OR name = 'search_searchdocument'"
                    " OR name LIKE 'sqlite_autoindex_search_searchdocument%%'"
                )
            except Exception:  # SQLite built without dbstat
                return None
            return cursor.fetchone()[0]

    def optimize(self):
        with connection.cursor() as cursor:
            for table in self.TABLES.values():
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


class PostgresBackend:
    vendor = "postgresql"
    COLUMNS = {"all": "vector", "head": "head"}

    def tsquery(self, query, *, every_group):
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

    def ranked(self, query, *, every_group, fields, limit, candidates, rule=None):
        """(ids best first, at most limit; how many candidates there were;
        whether they are every match).

        The newest matching documents are taken first, half as many again
        as the candidates (room for drafts and scheduled articles), with no
        join: the planner walks the article id index backwards for a common
        word and reads the GIN index for a rare one. Then the article table
        (the publication rule) and the scores: ts_rank_cd for the head's
        candidates always (small vectors), for every field's only when they
        are every match; otherwise those come by reads, then newest
        (search/engine.py puts the head matches before them)."""
        tsquery, ts_params = self.tsquery(query, every_group=every_group)
        where, params = rule or published_where()
        column = self.COLUMNS[fields]
        documents = candidates + candidates // 2
        weights = f"'{{{BODY_WEIGHT / 10}, {SUMMARY_WEIGHT / 10}, {TAGS_WEIGHT / 10}, {TITLE_WEIGHT / 10}}}'"
        rank = f"ts_rank_cd({weights}::float4[], c.v, c.q)"
        if fields == "all":
            rank = f"(CASE WHEN c.documents < %s AND c.found < %s THEN {rank} ELSE 0 END)"
        newest = (
            "SELECT *, COUNT(*) OVER () AS documents FROM ("
            f"SELECT d.article_id, d.{column} AS v, q.q"
            f" FROM (SELECT {tsquery} AS q) AS q, search_searchdocument d"
            f" WHERE d.{column} @@ q.q{{readable}} ORDER BY d.article_id DESC LIMIT %s) AS m"
        )
        sql = (
            "SELECT c.id, c.found, c.documents FROM (SELECT *, COUNT(*) OVER () AS found FROM ("
            "SELECT articles_article.id, articles_article.title, articles_article.views,"
            f" articles_article.published_at, n.v, n.q, n.documents FROM ({newest}) AS n"
            " JOIN articles_article ON articles_article.id = n.article_id"
            f" WHERE {where} ORDER BY articles_article.id DESC LIMIT %s) AS newest) AS c"
            f" ORDER BY {rank} * (CASE WHEN c.title ILIKE %s THEN {PHRASE_BOOST} ELSE 1.0 END)"
            " DESC, c.views DESC, c.published_at DESC, c.id DESC LIMIT %s"
        )
        tail = [candidates, *([documents, candidates] if fields == "all" else [])]
        tail += [like_pattern(query.phrase), limit]
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{readable}", ""), [*ts_params, documents, *params, *tail])
            rows = cursor.fetchall()
            if not rows:
                # None readable among the newest documents: are there more?
                cursor.execute(
                    f"SELECT COUNT(*) FROM ({newest.replace('{readable}', '')}) AS n",
                    [*ts_params, documents],
                )
                if cursor.fetchone()[0] < documents:
                    return [], 0, True
                # All drafts or scheduled: the rule applied before the limit.
                readable = (
                    " AND EXISTS (SELECT 1 FROM articles_article WHERE"
                    f" articles_article.id = d.article_id AND {where})"
                )
                cursor.execute(
                    sql.replace("{readable}", readable),
                    [*ts_params, *params, documents, *params, *tail],
                )
                rows = cursor.fetchall()
                if not rows:
                    return [], 0, True
        found, seen = rows[0][1], rows[0][2]
        return [row[0] for row in rows], found, seen < documents and found < candidates

    def count(self, query, *, cap):
        """How many documents match some word, at most cap + 1 (drafts and
        scheduled articles included: an estimate). Counting a common word's
        documents reads thousands of vectors, so when the planner's estimate
        (the statistics ANALYZE keeps on the words, no row read) is over
        twice the cap, that says "more than cap"; otherwise they are
        counted, up to cap + 1."""
        tsquery, ts_params = self.tsquery(query, every_group=False)
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument d"
                f" WHERE d.vector @@ ({tsquery})",
                ts_params,
            )
            plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            if plan[0]["Plan"]["Plan Rows"] > 2 * cap:
                return cap + 1
            cursor.execute(
                "SELECT COUNT(*) FROM (SELECT 1"
                f" FROM (SELECT {tsquery} AS q) AS q, search_searchdocument d"
                " WHERE d.vector @@ q.q LIMIT %s) AS found",
                [*ts_params, cap + 1],
            )
            return cursor.fetchone()[0]

    def size(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_searchdocument')")
            return cursor.fetchone()[0]

    def optimize(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")


BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend():
    """The backend of the database in use."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"search has no backend for {connection.vendor}") from None
