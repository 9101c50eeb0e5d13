"""sitemap.xml, robots.txt and the RSS feed, as crawlers and readers parse them."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone
from lxml import etree
from protego import Protego

from articles.models import Article

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site():
    category = make_category(slug="tbyy", name="淘宝运营")
    published = [make_article(category=category) for _ in range(3)]
    make_article(category=category, status=Article.Status.DRAFT)
    make_article(category=category, published_at=timezone.now() + timedelta(hours=2))
    return published


def test_sitemap_index_points_at_sections(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locations = root.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert "http://testserver/sitemap-articles.xml" in locations
    assert "http://testserver/sitemap-categories.xml" in locations


def test_article_sitemap_lists_exactly_published_canonical_urls(client, site):
    root = etree.fromstring(client.get("/sitemap-articles.xml").content)
    locations = root.xpath("//sm:url/sm:loc/text()", namespaces=NS)
    assert sorted(locations) == sorted(f"http://testserver{a.get_absolute_url()}" for a in site)
    for lastmod in root.xpath("//sm:url/sm:lastmod/text()", namespaces=NS):
        assert lastmod.endswith("+08:00"), lastmod  # timezone-aware W3C datetime


def test_article_sitemap_sections_hold_at_most_50000(client):
    from articles.sitemaps import ArticleSitemap

    assert ArticleSitemap.limit == 50_000


def test_robots_names_the_sitemap_with_an_absolute_url(client, site):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    robots = Protego.parse(response.content.decode())
    assert list(robots.sitemaps) == ["http://testserver/sitemap.xml"]
    assert not robots.can_fetch("http://testserver/admin/", "Baiduspider")
    assert robots.can_fetch(f"http://testserver{site[0].get_absolute_url()}", "Baiduspider")


def test_feed_is_valid_rss_with_published_articles(client, site):
    response = client.get("/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "电商卖家知识库"
    links = sorted(entry.link for entry in feed.entries)
    assert links == sorted(f"http://testserver{a.get_absolute_url()}" for a in site)
    assert all(entry.published for entry in feed.entries)


def test_sitemap_index_has_timezone_aware_lastmod(client, site):
    root = etree.fromstring(client.get("/sitemap.xml").content)
    lastmods = root.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)
    assert lastmods and all(value.endswith("+08:00") for value in lastmods)
