"""The two index backends, chosen by the database in use; neither needs a
database extension.

- SQLite: two FTS5 tables (`search_fts` over every field, `search_fts_head`
  over the title, tags and summary; external content over SearchDocument,
  kept in step by triggers) with the unicode61 tokenizer reading the
  segmenter's output; ranked by bm25 with column weights.
- PostgreSQL (search/postgres.py): generated tsvector columns on
  SearchDocument, built with the `simple` configuration from the segmented
  text and weighted A (title), B (tags), C (summary), D (body), with GIN
  indexes; ranked by ts_rank_cd. The reader's words reach it only as
  parameters of plainto_tsquery and phraseto_tsquery.

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

from contextlib import contextmanager

from django.db import connection

from articles.models import Article

from .postgres import PostgresBackend
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
WEIGHTS = (BODY_WEIGHT, SUMMARY_WEIGHT, TAGS_WEIGHT, TITLE_WEIGHT)  # ts_rank_cd's D, C, B, A
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

    @contextmanager
    def bulk_load(self, *, fresh):
        yield

    def optimize(self):
        with connection.cursor() as cursor:
            for table in self.TABLES.values():
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend():
    """The backend of the database in use."""
    try:
        return BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"search has no backend for {connection.vendor}") from None
