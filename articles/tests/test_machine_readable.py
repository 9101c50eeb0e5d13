"""sitemap.xml, robots.txt and the RSS feed, as crawlers and readers parse them."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree
from protego import Protego

from articles.models import Article
from articles.version import version

from .factories import image_file, make_article, make_category

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


def index_lastmods(client):
    root = etree.fromstring(client.get("/sitemap.xml").content)
    return set(root.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS))


def test_sitemap_index_lastmod_is_the_newest_live_change_and_follows_an_edit(
    client, site, django_capture_on_commit_callbacks
):
    newest = max(a.updated_at for a in site)
    assert index_lastmods(client) == {timezone.localtime(newest).isoformat()}
    edited = site[0]
    edited.title = "改过的标题"
    with django_capture_on_commit_callbacks(execute=True):
        edited.save()  # a new content version
    edited.refresh_from_db()
    assert edited.updated_at > newest
    assert index_lastmods(client) == {timezone.localtime(edited.updated_at).isoformat()}


def test_sitemap_index_reads_lastmod_from_the_articles_alone_once_per_version(client, site):
    """MAX(updated_at) over the section's join with the categories walked
    every live article on PostgreSQL (23 ms at 100,000); over the articles
    alone it is one end of an index. And it is kept for the content version."""
    cache.clear()
    version.current()
    with CaptureQueriesContext(connection) as first:
        client.get("/sitemap.xml")
    maxes = [q["sql"] for q in first if "MAX(" in q["sql"].upper()]
    assert len(maxes) == 1
    assert "JOIN" not in maxes[0].upper()
    with CaptureQueriesContext(connection) as again:
        client.get("/sitemap.xml")
    assert not [q["sql"] for q in again if "articles_article" in q["sql"]]


def test_article_sitemap_lists_exactly_published_canonical_urls(client, site):
    root = etree.fromstring(client.get("/sitemap-articles.xml").content)
    locations = root.xpath("//sm:url/sm:loc/text()", namespaces=NS)
    assert sorted(locations) == sorted(f"http://testserver{a.get_absolute_url()}" for a in site)
    lastmods = root.xpath("//sm:url/sm:lastmod/text()", namespaces=NS)
    assert len(lastmods) == len(locations)
    for lastmod in lastmods:
        assert lastmod.endswith("+08:00"), lastmod  # timezone-aware W3C datetime


def test_category_lastmod_ignores_drafts_and_scheduled_articles(client, site):
    """The draft and the scheduled article in `site` were saved last; a
    crawler would be told the category changed when nothing it sees did."""
    newest_visible = max(a.updated_at for a in site)
    Article.objects.exclude(pk__in=[a.pk for a in site]).update(
        updated_at=newest_visible + timedelta(days=3)
    )
    root = etree.fromstring(client.get("/sitemap-categories.xml").content)
    (lastmod,) = root.xpath("//sm:url/sm:lastmod/text()", namespaces=NS)
    assert lastmod == timezone.localtime(newest_visible).isoformat()


def test_article_sitemap_splits_into_sections_of_its_limit(client, site, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    assert ArticleSitemap.limit == 2_000  # under Toutiao's 10,000 a file and Baidu's 50,000
    monkeypatch.setattr(ArticleSitemap, "limit", 2)  # 3 published articles
    root = etree.fromstring(client.get("/sitemap.xml").content)
    locations = root.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert "http://testserver/sitemap-articles.xml?p=2" in locations
    second = etree.fromstring(client.get("/sitemap-articles.xml?p=2").content)
    assert len(second.xpath("//sm:url", namespaces=NS)) == 1


def test_text_sitemap_lists_the_same_addresses_one_a_line(client, site, monkeypatch):
    """The plain-text form Baidu also takes: the XML section's addresses,
    one absolute URL a line, in the same sections of the same size."""
    from articles.sitemaps import ArticleSitemap

    response = client.get("/sitemap-articles.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    xml = etree.fromstring(client.get("/sitemap-articles.xml").content)
    assert lines == xml.xpath("//sm:url/sm:loc/text()", namespaces=NS)
    assert sorted(lines) == sorted(f"http://testserver{a.get_absolute_url()}" for a in site)
    categories = client.get("/sitemap-categories.txt").content.decode().splitlines()
    assert categories == ["http://testserver/tbyy/"]
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    first = client.get("/sitemap-articles.txt?p=1").content.decode().splitlines()
    second = client.get("/sitemap-articles.txt?p=2").content.decode().splitlines()
    assert (len(first), len(second)) == (2, 1)
    assert sorted(first + second) == sorted(lines)
    assert client.get("/sitemap-articles.txt?p=3").status_code == 404
    assert client.get("/sitemap-tags.txt").status_code == 404


def test_a_section_page_says_when_what_it_lists_last_changed(client, site, monkeypatch):
    """Last-Modified of a section page is the newest lastmod on that page,
    not the site's, in both forms; and no section is a search result."""
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ordered = sorted(site, key=lambda a: a.pk)
    Article.objects.filter(pk=ordered[0].pk).update(updated_at=timezone.now() - timedelta(days=9))
    Article.objects.filter(pk=ordered[1].pk).update(updated_at=timezone.now() - timedelta(days=5))
    for page, newest in ((1, ordered[1]), (2, ordered[2])):
        newest.refresh_from_db()
        for form in ("xml", "txt"):
            response = client.get(f"/sitemap-articles.{form}?p={page}")
            assert response["Last-Modified"] == http_date(newest.updated_at.timestamp())
            assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"


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
    assert feed.feed.language == "zh-cn"
    links = sorted(entry.link for entry in feed.entries)
    assert links == sorted(f"http://testserver{a.get_absolute_url()}" for a in site)
    assert all(entry.published for entry in feed.entries)


def test_sitemap_index_has_timezone_aware_lastmod(client, site):
    root = etree.fromstring(client.get("/sitemap.xml").content)
    lastmods = root.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)
    assert lastmods and all(value.endswith("+08:00") for value in lastmods)


def test_robots_keeps_crawlers_out_of_admin_search_and_comments(client, site):
    robots = Protego.parse(client.get("/robots.txt").content.decode())
    article = site[0]
    for path in (
        "/admin/",
        "/search/?q=淘宝",
        "/comments/captcha/",
        f"/comments/{article.pk}/",
        f"/comments/{article.pk}/post/",
    ):
        for crawler in ("Baiduspider", "Googlebot"):
            assert not robots.can_fetch(f"http://testserver{path}", crawler), path
    assert robots.can_fetch("http://testserver/tbyy/", "Baiduspider")


def _json_ld(html):
    scripts = etree.HTML(html).xpath('//script[@type="application/ld+json"]/text()')
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_article_page_has_article_and_breadcrumb_json_ld(client):
    category = make_category(slug="tbkd", name="淘宝开店")
    article = make_article(
        category=category,
        title="标题里有</script>也不怕",
        summary="摘要",
        cover=image_file(),
        tags=["新手开店"],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script>也不怕" not in html.split("<body")[0].split("application/ld+json")[1]
    graph = {item["@type"]: item for item in _json_ld(html)["@graph"]}
    url = f"http://testserver{article.get_absolute_url()}"
    data = graph["Article"]
    assert data["headline"] == article.title
    assert data["mainEntityOfPage"] == url
    assert (
        data["datePublished"]
        == timezone.localtime(article.published_at).replace(microsecond=0).isoformat()
    )
    assert data["datePublished"].endswith("+08:00")
    assert data["image"] == [f"http://testserver{article.cover.url}"]
    assert data["publisher"]["name"] == data["author"]["name"] == "电商卖家知识库"
    assert data["publisher"]["logo"]["url"].endswith("apple-touch-icon.png")
    crumbs = graph["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "首页", "http://testserver/"),
        (2, "淘宝开店", "http://testserver/tbkd/"),
        (3, article.title, url),
    ]


def test_article_page_has_open_graph_tags(client):
    article = make_article(title="主图拍摄指南", summary="讲清楚主图怎么拍。")
    tree = etree.HTML(client.get(article.get_absolute_url()).content.decode())

    def og(name):
        return tree.xpath(f'//meta[@property="{name}"]/@content')

    assert og("og:type") == ["article"]
    assert og("og:title") == ["主图拍摄指南"]
    assert og("og:description") == ["讲清楚主图怎么拍。"]
    assert og("og:url") == [f"http://testserver{article.get_absolute_url()}"]
    assert og("og:image")[0].startswith("http://testserver/")
    assert og("og:locale") == ["zh_CN"]


def test_paginated_list_has_canonical_and_prev_next_links(client, settings):
    category = make_category(slug="fanye")
    for _ in range(settings.ARTICLES_PER_PAGE * 2 + 1):
        make_article(category=category)

    def links(url):
        tree = etree.HTML(client.get(url).content.decode())
        return {
            rel: tree.xpath(f'//head/link[@rel="{rel}"]/@href')
            for rel in ("canonical", "prev", "next")
        }

    base = "http://testserver/fanye/"
    assert links("/fanye/") == {"canonical": [base], "prev": [], "next": [base + "?page=2"]}
    assert links("/fanye/?page=2") == {
        "canonical": [base + "?page=2"],
        "prev": [base],
        "next": [base + "?page=3"],
    }
    assert links("/fanye/?page=3") == {
        "canonical": [base + "?page=3"],
        "prev": [base + "?page=2"],
        "next": [],
    }


def test_a_sitemap_section_is_one_query_however_long_and_reads_no_body(client, site):
    """Counted once per content version, then one read of the section from
    an index: 3 articles or 40, the same queries, and never the bodies."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.version import bump

    def section_queries():
        client.get("/sitemap.xml")  # counts, as a crawler's first request does
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/sitemap-articles.xml", {"nocache": "1"})
        assert response.status_code == 200
        return [q["sql"] for q in queries]

    few = section_queries()
    category = site[0].category
    Article.objects.bulk_create(
        Article(title=f"批量{n}", category=category, body="<p>正文</p>", status="published")
        for n in range(40)
    )
    bump()  # a bulk insert sends no signal (refresh_pages does this)
    many = section_queries()
    assert len(many) == len(few) == 1
    assert '"body"' not in many[0] and "COUNT(" not in many[0]
    root = etree.fromstring(client.get("/sitemap-articles.xml", {"nocache": "2"}).content)
    assert len(root.xpath("//sm:url", namespaces=NS)) == 43
    lastmods = root.xpath("//sm:url/sm:lastmod/text()", namespaces=NS)
    assert all(value.endswith("+08:00") for value in lastmods)
