"""The search index's tables, columns and triggers, as SQL per database:
what migrations 0002, 0004 and 0006 create and drop (through search.backends,
which also uses them to rebuild the index)."""

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

# The head (title, tags, summary) in an FTS5 table of its own: its lists are
# short, so the head matches of a common word are found and scored (bm25)
# without reading bodies, and with no column filter (which FTS5 checks
# against the positions of every matching row).
SQLITE_HEAD_SETUP = [
    "CREATE VIRTUAL TABLE search_fts_head USING fts5(title, tags, summary,"
    " content='search_searchdocument', content_rowid='article_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_head_insert AFTER INSERT ON search_searchdocument BEGIN"
    " INSERT INTO search_fts_head(rowid, title, tags, summary)"
    " VALUES (new.article_id, new.title, new.tags, new.summary); END",
    "CREATE TRIGGER search_fts_head_delete AFTER DELETE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts_head(search_fts_head, rowid, title, tags, summary)"
    " VALUES ('delete', old.article_id, old.title, old.tags, old.summary); END",
    "CREATE TRIGGER search_fts_head_update AFTER UPDATE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts_head(search_fts_head, rowid, title, tags, summary)"
    " VALUES ('delete', old.article_id, old.title, old.tags, old.summary);"
    " INSERT INTO search_fts_head(rowid, title, tags, summary)"
    " VALUES (new.article_id, new.title, new.tags, new.summary); END",
    "INSERT INTO search_fts_head(search_fts_head) VALUES ('rebuild')",
]
SQLITE_HEAD_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_head_insert",
    "DROP TRIGGER IF EXISTS search_fts_head_delete",
    "DROP TRIGGER IF EXISTS search_fts_head_update",
    "DROP TABLE IF EXISTS search_fts_head",
]

POSTGRES_SETUP = [
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('simple'::regconfig, title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, tags), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, summary), 'C')"
    " || setweight(to_tsvector('simple'::regconfig, body), 'D')) STORED",
    "CREATE INDEX search_document_vector_idx ON search_searchdocument USING GIN (vector)"
    " WITH (fastupdate = off)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]
# The head (title, tags, summary) on its own: small vectors, so the head
# matches of a common word are found and scored without reading bodies.
POSTGRES_HEAD_SETUP = [
    "ALTER TABLE search_searchdocument ADD COLUMN head tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('simple'::regconfig, title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, tags), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, summary), 'C')) STORED",
    "CREATE INDEX search_document_head_idx ON search_searchdocument USING GIN (head)"
    " WITH (fastupdate = off)",
]
# The GIN indexes without a pending list (fastupdate off): a write updates
# them at once, so a search never reads a list of recent changes (4 MB of
# them made a common word's index scan 30 ms instead of 5).
POSTGRES_NO_PENDING = [
    "ALTER INDEX search_document_vector_idx SET (fastupdate = off)",
    "ALTER INDEX search_document_head_idx SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('search_document_vector_idx'::regclass)",
    "SELECT gin_clean_pending_list('search_document_head_idx'::regclass)",
]
POSTGRES_INDEXES = {
    "search_document_vector_idx": POSTGRES_SETUP[1],
    "search_document_head_idx": None,  # set below
}
POSTGRES_HEAD_TEARDOWN = [
    "DROP INDEX IF EXISTS search_document_head_idx",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS head",
]
POSTGRES_INDEXES["search_document_head_idx"] = POSTGRES_HEAD_SETUP[1]
