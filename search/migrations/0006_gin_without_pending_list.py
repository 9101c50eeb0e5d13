"""The PostgreSQL GIN indexes without a pending list (fastupdate off), so a
search never scans one (search/schema.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from search.schema import POSTGRES_NO_PENDING

    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_NO_PENDING:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_pending_reindex")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
