"""Article and category addresses: the same as reverse() gives, in every
script prefix and URLconf, without reversing once per link."""

from unittest import mock

import pytest
from django.urls import reverse, set_script_prefix
from django.urls.resolvers import URLResolver

from articles.addresses import article_path, category_path
from articles.models import Article

from .factories import make_article, make_category

VALUES = [
    ("tbyy", 1),
    ("jd-618", 123456),
    ("a b", 7),  # what the str converter accepts, quoted as reverse() does
    ("100%", 8),
    ("{pk}", 9),
    ("运营", 10),
    ("987654321", 987654321),  # the stand-in values themselves
]


def expected(slug, pk):
    return (
        reverse("articles:detail", kwargs={"category": slug, "pk": pk}),
        reverse("articles:category", kwargs={"slug": slug}),
    )


def filled(slug, pk):
    return article_path(category=slug, pk=pk), category_path(slug=slug)


@pytest.mark.parametrize(("slug", "pk"), VALUES)
def test_addresses_are_what_reverse_gives(slug, pk):
    assert filled(slug, pk) == expected(slug, pk)


@pytest.mark.parametrize("prefix", ["/bbs/", "/987654321/", "/category-slug-stand-in/"])
def test_addresses_follow_the_script_prefix(prefix):
    """Behind a proxy that mounts the site under a path; a prefix holding a
    stand-in value gets reverse() itself."""
    set_script_prefix(prefix)
    try:
        for slug, pk in VALUES:
            assert filled(slug, pk) == expected(slug, pk)
            assert filled(slug, pk)[0].startswith(prefix)
    finally:
        set_script_prefix("/")
    assert filled("tbyy", 1) == ("/tbyy/1.html", "/tbyy/")


def test_addresses_follow_the_urlconf(settings):
    settings.ROOT_URLCONF = "articles.tests.urls_under_bbs"
    assert filled("tbyy", 5) == ("/bbs/tbyy/5.html", "/bbs/tbyy/")
    settings.ROOT_URLCONF = "forum.urls"
    assert filled("tbyy", 5) == ("/tbyy/5.html", "/tbyy/")


@pytest.mark.django_db
def test_a_list_page_does_not_reverse_an_address_per_link(client):
    """The home page links 20 newest and the category blocks: reversing each
    cost 2 ms a render. Its links stay right."""
    categories = [make_category() for _ in range(6)]
    for n in range(40):
        make_article(category=categories[n % 6])
    client.get("/")
    with mock.patch.object(
        URLResolver,
        "_reverse_with_prefix",
        autospec=True,
        side_effect=URLResolver._reverse_with_prefix,
    ) as reversing:
        html = client.get("/?nocache=1").content.decode()
    assert reversing.call_count <= 12, reversing.call_count
    for article in Article.objects.published().newest()[:20]:
        assert f'href="/{article.category.slug}/{article.pk}.html"' in html
    for category in categories:
        assert f'href="/{category.slug}/"' in html
