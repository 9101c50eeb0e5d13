"""The full-text index of the database in use (search/backends.py): an FTS5
table with its triggers on SQLite, a generated tsvector column with a GIN
index on PostgreSQL. Neither needs a database extension."""

from django.db import migrations


def create(apps, schema_editor):
    from search.backends import POSTGRES_SETUP, SQLITE_SETUP

    statements = {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    from search.backends import POSTGRES_TEARDOWN, SQLITE_TEARDOWN

    statements = {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
