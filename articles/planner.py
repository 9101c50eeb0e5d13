"""The database's planner statistics, refreshed after changes in bulk.

SQLite keeps no statistics until ANALYZE runs, and then keeps the ones it
gathered: a site that grew from 45 articles to 100,000 through an import
is planned as if it still had 45. Without them SQLite takes "published
before now" for a narrow range and walks the publish-date index over every
live article to find ten ids (the 网站地图's counts took 260 ms at 20,000
articles instead of 7). PostgreSQL's autovacuum analyses by itself, but
only after a delay; an explicit ANALYZE after an import costs a second
(with VACUUM, which marks the new rows visible to index-only scans, a few
seconds at 100,000 articles).

`prepare_site`, `refresh_pages` and the importers call `update_statistics()`.
"""

from django.db import connections


def update_statistics(using="default"):
    """ANALYZE the whole database (SQLite reads every index: about a second
    per 20,000 articles; PostgreSQL samples).

    On PostgreSQL, outside a transaction, VACUUM (ANALYZE): rows inserted in
    bulk are not yet marked all-visible, so an index-only scan (a list
    page's ids, a count) still reads each row's table page to check it, until
    autovacuum comes round. A table already vacuumed is skipped page by page.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")


def planned_rows(table, using="default"):
    """How many rows the planner believes `table` holds (None: it has no
    statistics). The tests compare it with the real count."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
            return int(row[0]) if row and row[0] >= 0 else None
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
        return max(counts) if counts else None
