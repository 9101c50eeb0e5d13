from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, Category
from articles.text import excerpt

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db


def test_excerpt_cuts_at_80_characters_with_dots():
    body = "<p>" + "开" * 100 + "</p>"
    assert excerpt(body) == "开" * 80 + "..."
    assert excerpt("<p>短文</p>") == "短文"


def test_excerpt_separates_blocks_and_decodes_entities():
    assert excerpt("<h2>一、准备</h2><p>1、注册&amp;认证</p>") == "一、准备 1、注册&认证"


@pytest.mark.parametrize("slug", ["admin", "tags", "search", "sitemap", "feed", "static", "media"])
def test_category_slug_cannot_take_a_site_path(slug):
    with pytest.raises(ValidationError) as error:
        Category(name="某分类", slug=slug).full_clean()
    assert "保留" in str(error.value)


@pytest.mark.parametrize("slug", ["TBkd", "淘宝", "a b", "-x", "x_y"])
def test_category_slug_is_short_lowercase_ascii(slug):
    with pytest.raises(ValidationError):
        Category(name="某分类", slug=slug).full_clean()


def test_category_slug_accepts_editor_style_short_ascii():
    Category(name="淘宝冲销量", slug="tbcxl").full_clean()


def test_published_excludes_drafts_and_scheduled():
    visible = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    assert list(Article.objects.published()) == [visible]


def test_body_is_sanitized_on_save():
    article = make_article(body='<p onclick="x()">好</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>好</p>"


def test_get_absolute_url_is_category_path_and_id():
    category = make_category(slug="tbyy")
    article = make_article(category=category)
    assert article.get_absolute_url() == f"/tbyy/{article.pk}.html"
    assert category.get_absolute_url() == "/tbyy/"


def test_related_prefers_most_shared_tags_then_tops_up_from_category():
    category, other = make_category(), make_category()
    article = make_article(category=category, tags=["选品", "主图", "引流"])
    three = make_article(category=other, tags=["选品", "主图", "引流"])
    one = make_article(category=other, tags=["引流"])
    two = make_article(category=other, tags=["主图", "选品", "物流"])
    same_category = make_article(category=category)
    make_article(category=other)  # unrelated: neither tags nor category
    make_article(category=category, status=Article.Status.DRAFT, tags=["选品"])
    related = Article.objects.published().related_to(article)
    assert related == [three, two, one, same_category]


def test_related_is_at_most_ten():
    category = make_category()
    article = make_article(category=category, tags=["选品"])
    for _ in range(12):
        make_article(category=category, tags=["选品"])
    assert len(Article.objects.published().related_to(article)) == 10


def test_previous_and_next_stay_in_category_and_skip_unpublished():
    category = make_category()
    now = timezone.now()
    first = make_article(category=category, published_at=now - timedelta(days=3))
    make_article(category=category, published_at=now - timedelta(days=2), status="draft")
    middle = make_article(category=category, published_at=now - timedelta(days=2))
    make_article(published_at=now - timedelta(days=1, hours=12))  # another category
    last = make_article(category=category, published_at=now - timedelta(days=1))
    assert middle.previous_and_next() == (first, last)
    assert first.previous_and_next() == (None, middle)
    assert last.previous_and_next() == (middle, None)


def test_related_breaks_ties_by_category_then_date():
    category, other = make_category(), make_category()
    article = make_article(category=category, tags=["选品"])
    elsewhere = make_article(category=other, tags=["选品"])
    same = make_article(category=category, tags=["选品"])
    assert Article.objects.published().related_to(article) == [same, elsewhere]


def test_related_without_tags_is_the_category(django_assert_num_queries):
    category = make_category()
    article = make_article(category=category)
    neighbour = make_article(category=category)
    make_article()
    with django_assert_num_queries(2):  # the tags, then the related articles
        assert Article.objects.published().related_to(article) == [neighbour]


def test_saving_only_the_body_also_saves_what_is_made_from_it():
    """save(update_fields=["body"]) (a script, a data migration) keeps the
    searched text, the generated SEO description and the thumbnail in step."""
    article = make_article(body="<p>旧的正文</p>")
    article.body = "<p>换成直通车的新正文</p>"
    article.seo_description = ""
    article.save(update_fields=["body"])
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_text == "换成直通车的新正文"
    assert stored.seo_description == "换成直通车的新正文"
    assert list(Article.objects.search("直通车")) == [stored]


def test_seo_keywords_from_tags_stop_at_200_characters_on_a_whole_tag():
    names = [f"标签{n:02d}" + "长" * 20 for n in range(12)]  # 24 characters each
    article = make_article(tags=names, seo_keywords="")
    assert article.fill_seo_keywords() is True
    keywords = Article.objects.get(pk=article.pk).seo_keywords
    assert len(keywords) <= 200
    assert keywords.split(",") == sorted(names)[: len(keywords.split(","))]
    assert len(keywords.split(",")) == 8  # 8 x 24 + 7 commas = 199; a ninth would not fit
