"""The two index backends, chosen by the database in use; neither needs a
database extension.

- SQLite: an FTS5 table (`search_fts`, external content over
  SearchDocument, kept in step by triggers) with the unicode61 tokenizer
  reading the segmenter's output; ranked by bm25 with column weights.
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

Order: the index's score, times 2 when the title contains the whole query
(a phrase match), then the read count, then the newest.
"""

from django.db import connection

from articles.models import Article

TITLE_WEIGHT, TAGS_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10.0, 5.0, 2.0, 1.0
PHRASE_BOOST = 2.0

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, tags, summary, body,"
    " content='search_searchdocument', content_rowid='article_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(rowid, title, tags, summary, body)"
    " VALUES (new.article_id, new.title, new.tags, new.summary, new.body); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title, tags, summary, body)"
    " VALUES ('delete', old.article_id, old.title, old.tags, old.summary, old.body); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title, tags, summary, body)"
    " VALUES ('delete', old.article_id, old.title, old.tags, old.summary, old.body);"
    " INSERT INTO search_fts(rowid, title, tags, summary, body)"
    " VALUES (new.article_id, new.title, new.tags, new.summary, new.body); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_SETUP = [
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('simple'::regconfig, title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, tags), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, summary), 'C')"
    " || setweight(to_tsvector('simple'::regconfig, body), 'D')) STORED",
    "CREATE INDEX search_document_vector_idx ON search_searchdocument USING GIN (vector)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


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

    def ranked(self, query, *, every_group, limit):
        where, params = published_where()
        sql = (
            "SELECT articles_article.id,"
            f" bm25(search_fts, {TITLE_WEIGHT}, {TAGS_WEIGHT}, {SUMMARY_WEIGHT}, {BODY_WEIGHT})"
            f" * (CASE WHEN articles_article.title LIKE %s ESCAPE '\\' THEN {PHRASE_BOOST}"
            " ELSE 1.0 END) AS score"
            " FROM search_fts CROSS JOIN articles_article ON articles_article.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {where}"
            " ORDER BY score, articles_article.views DESC, articles_article.published_at DESC,"
            " articles_article.id DESC LIMIT %s"
        )
        args = [like_pattern(query.phrase), self.match_expression(query, every_group=every_group)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*args, *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def count(self, query, *, cap):
        where, params = published_where()
        sql = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_fts"
            " CROSS JOIN articles_article ON articles_article.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {where} LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query, every_group=False), *params, cap])
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
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


class PostgresBackend:
    vendor = "postgresql"

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

    def ranked(self, query, *, every_group, limit):
        tsquery, ts_params = self.tsquery(query, every_group=every_group)
        where, params = published_where()
        weights = f"'{{{BODY_WEIGHT / 10}, {SUMMARY_WEIGHT / 10}, {TAGS_WEIGHT / 10}, {TITLE_WEIGHT / 10}}}'"
        sql = (
            f"SELECT articles_article.id, ts_rank_cd({weights}::float4[], d.vector, q.q)"
            f" * (CASE WHEN articles_article.title ILIKE %s THEN {PHRASE_BOOST} ELSE 1.0 END)"
            " AS score"
            f" FROM (SELECT {tsquery} AS q) AS q, search_searchdocument d"
            " JOIN articles_article ON articles_article.id = d.article_id"
            f" WHERE d.vector @@ q.q AND {where}"
            " ORDER BY score DESC, articles_article.views DESC,"
            " articles_article.published_at DESC, articles_article.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [like_pattern(query.phrase), *ts_params, *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def count(self, query, *, cap):
        tsquery, ts_params = self.tsquery(query, every_group=False)
        where, params = published_where()
        sql = (
            "SELECT COUNT(*) FROM (SELECT 1"
            f" FROM (SELECT {tsquery} AS q) AS q, search_searchdocument d"
            " JOIN articles_article ON articles_article.id = d.article_id"
            f" WHERE d.vector @@ q.q AND {where} LIMIT %s) AS found"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ts_params, *params, cap])
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
