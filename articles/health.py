"""The two addresses a load balancer or systemd asks: /healthz (this process
answers) and /readyz (it can serve: the database and the cache answer, and
every migration is applied).

Both are answered in front of Django by the WSGI fast path
(pagecache/wsgi.py): no middleware, no session, no page cache, no read
counted, and /healthz touches nothing but the process. Each answer is
`Cache-Control: no-store` JSON.
"""

import json

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from .cache import FailSoftRedisCache

HEALTH_PATHS = ("/healthz", "/readyz")

_migrations_applied = False  # once true in a process, it stays true


def _database():
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # a broken connection is not kept for the next request
        return False
    return True


def _cache():
    backend = caches["default"]
    if isinstance(backend, FailSoftRedisCache):
        return backend.ping()
    return True  # the local-memory cache is this process


def _migrations():
    global _migrations_applied
    if not _migrations_applied:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied


def answer(path):
    """(status code, JSON body) for one of HEALTH_PATHS."""
    if path == "/healthz":
        return 200, {"status": "ok"}
    checks = {"database": _database(), "cache": _cache()}
    try:
        checks["migrations"] = checks["database"] and _migrations()
    except Exception:
        connections[DEFAULT_DB_ALIAS].close()
        checks["migrations"] = False
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: "ok" if passed else "error" for name, passed in checks.items()})
    return (200 if ready else 503), body


def wsgi_answer(path, start_response):
    status, body = answer(path)
    payload = json.dumps(body).encode()
    start_response(
        "200 OK" if status == 200 else "503 Service Unavailable",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [payload]
