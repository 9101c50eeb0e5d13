"""The head (title, tags, summary) indexed on its own, so the head matches
of a common word are found and scored without reading bodies
(search/backends.py): on SQLite an FTS5 table `search_fts_head` with its
triggers, filled from the documents; on PostgreSQL a generated tsvector
column with a GIN index."""

from django.db import migrations


def create(apps, schema_editor):
    from search.backends import POSTGRES_HEAD_SETUP, SQLITE_HEAD_SETUP

    statements = {"sqlite": SQLITE_HEAD_SETUP, "postgresql": POSTGRES_HEAD_SETUP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    from search.backends import POSTGRES_HEAD_TEARDOWN, SQLITE_HEAD_TEARDOWN

    statements = {"sqlite": SQLITE_HEAD_TEARDOWN, "postgresql": POSTGRES_HEAD_TEARDOWN}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_builtin_dictionary")]

    operations = [migrations.RunPython(create, drop)]
