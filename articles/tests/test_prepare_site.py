"""manage.py prepare_site: what `make run`, the audit and the benches run
before they serve."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, Category
from articles.planner import planned_rows

DEMO = settings.BASE_DIR / "articles" / "demo" / "articles.jsonl"


def demo_lines():
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def prepare(**options):
    out, err = StringIO(), StringIO()
    call_command("prepare_site", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_prepare_site_loads_the_demo_once_and_collects_the_static_files(static_root):
    assert not Article.objects.exists() and not Category.objects.exists()
    lines = demo_lines()

    out, err = prepare()

    assert "No migrations to apply." in out  # migrate ran (the test database is up to date)
    assert f"新增 {len(lines)} 篇,更新 0 篇,跳过 0 篇,失败 0 行。" in out
    assert err == ""
    articles = {a.source_url: a for a in Article.objects.select_related("category")}
    assert set(articles) == {line["source_url"] for line in lines}
    for line in lines:
        article = articles[line["source_url"]]
        assert (article.title, article.category.slug) == (line["title"], line["category"])
    assert Article.objects.published().count() == len(lines)
    # The planner knows the site as it now is (articles/planner.py).
    assert planned_rows("articles_article") == len(lines)
    assert (static_root / "css" / "site.css").read_bytes() == (
        settings.BASE_DIR / "static" / "css" / "site.css"
    ).read_bytes()
    assert (static_root / "admin" / "css" / "base.css").is_file()

    # What happened since (reads, an editor's change) survives a second run.
    first = Article.objects.order_by("id").first()
    Article.objects.filter(pk=first.pk).update(views=12345, title="编辑改过的标题")
    out, _ = prepare()
    assert f"新增 0 篇,更新 0 篇,跳过 {len(lines)} 篇,失败 0 行。" in out
    assert Article.objects.count() == len(lines)
    first.refresh_from_db()
    assert (first.views, first.title) == (12345, "编辑改过的标题")


@pytest.mark.django_db
def test_prepare_site_at_verbosity_0_prints_nothing(static_root):
    out, err = prepare(verbosity=0)
    assert (out, err) == ("", "")
    assert Article.objects.count() == len(demo_lines())


@pytest.mark.django_db
def test_demo_content_0_loads_no_demo(static_root, settings):
    settings.DEMO_CONTENT = False
    out, _ = prepare()
    assert "No migrations to apply." in out
    assert not Article.objects.exists() and not Category.objects.exists()
