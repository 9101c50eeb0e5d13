"""manage.py remove_demo: a real site without the demo content."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Category
from articles.tests.factories import make_article
from articles.tests.test_prepare_site import DEMO, demo_lines

pytestmark = pytest.mark.django_db


def remove(*args):
    out = StringIO()
    call_command("remove_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_site():
    call_command("import_articles", DEMO, stdout=StringIO())
    return demo_lines()


def test_removes_the_demo_and_keeps_the_sites_own(demo_site, client):
    demo_category = Category.objects.get(slug=demo_site[0]["category"])
    own = make_article(category=demo_category, title="站长自己写的", tags=["新手开店", "我的标签"])
    covers = [a.cover.name for a in Article.objects.exclude(cover="")]
    assert covers and all(default_storage.exists(name) for name in covers)
    demo_tags = {tag for line in demo_site for tag in line.get("tags", [])}

    out = remove()

    assert f"已删除演示文章 {len(demo_site)} 篇" in out
    assert list(Article.objects.all()) == [own]
    # The category still holds the site's own article; the other demo ones are gone.
    assert list(Category.objects.all()) == [demo_category]
    assert set(Tag.objects.values_list("name", flat=True)) == {"新手开店", "我的标签"}
    assert demo_tags - {"新手开店"} and not Tag.objects.filter(name__in=demo_tags - {"新手开店"})
    assert not any(default_storage.exists(name) for name in covers)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert remove().startswith("已删除演示文章 0 篇")


def test_a_dry_run_removes_nothing(demo_site):
    out = remove("--dry-run")
    assert f"将删除演示文章 {len(demo_site)} 篇" in out
    assert Article.objects.count() == len(demo_site)
