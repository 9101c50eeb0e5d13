"""/healthz and /readyz, answered in front of Django (articles/health.py)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import health
from articles.models import Article
from pagecache.tests.client import call, stored_views

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database():
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = call("/healthz")
    assert status.startswith("200") and json.loads(body) == {"status": "ok"}
    assert headers["Cache-Control"] == "no-store"
    assert len(queries) == 0


def test_readyz_checks_the_database_the_cache_and_the_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    status, headers, body = call("/readyz")
    assert status.startswith("200"), body
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
    }
    assert headers["Cache-Control"] == "no-store" and "X-Page-Cache" not in headers


def test_readyz_is_unavailable_when_a_migration_is_missing(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("a migration", False)],
    )
    status, _, body = call("/readyz")
    assert status.startswith("503")
    assert json.loads(body)["migrations"] == "error"


def test_readyz_is_unavailable_when_the_database_does_not_answer(monkeypatch):
    def down(self, sql, params=None):
        raise health.connections["default"].Database.OperationalError("down")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", down)
    status, _, body = call("/readyz")
    assert status.startswith("503")
    assert json.loads(body) == {
        "status": "unavailable",
        "database": "error",
        "cache": "ok",
        "migrations": "error",
    }


def test_readyz_is_unavailable_when_redis_does_not_answer(monkeypatch):
    monkeypatch.setattr(health, "_cache", lambda: False)
    status, _, body = call("/readyz")
    assert status.startswith("503") and json.loads(body)["cache"] == "error"


def test_health_checks_are_never_cached_nor_counted(article):
    for path in ("/healthz", "/readyz"):
        call(path)
        _, headers, _ = call(path)
        assert "X-Page-Cache" not in headers
    assert stored_views(article) == 0
    assert Article.objects.get(pk=article.pk).views == 0
