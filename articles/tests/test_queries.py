"""Query budgets: no page runs a query per row, whatever its length."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.version import version

from .factories import image_file, make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def many():
    categories = [make_category() for _ in range(7)]
    articles = []
    for n in range(60):
        articles.append(
            make_article(
                category=categories[n % 7],
                tags=[f"标签{n % 5}", f"标签{n % 3 + 10}"],
                views=n,
                cover=image_file() if n % 4 == 0 else "",
            )
        )
    return articles


def count_queries(client, path):
    cache.clear()
    version.current()  # read once per second in production; not a page query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize(
    ("path", "budget"),
    # The home page: 8 (its sidebars' ids in one query, then their rows).
    [("/", 8), ("/sitemap/", 7), ("/feed/", 1)],
)
def test_fixed_pages_stay_within_budget(client, many, path, budget):
    assert count_queries(client, path) == budget


def test_category_and_tag_lists_do_not_grow_with_their_length(client, many):
    # Lists read ids from an index, then those rows (articles/paging.py,
    # ArticleQuerySet.top()): one query more each, the same at any size.
    category = many[0].category
    assert count_queries(client, category.get_absolute_url()) == 7
    assert count_queries(client, category.get_absolute_url() + "?page=1") == 7
    # A tag's list also reads the live articles per category (cached per
    # content version, shared with the 网站地图): how it reads its ids
    # depends on the tag's share of them (articles.paging.TagPaginator).
    assert count_queries(client, "/tags/标签1/") == 8
    assert count_queries(client, "/tags/标签10/") == 8


def test_article_page_from_scratch_is_at_most_ten_queries(client, many):
    article = many[30]
    # article, its tags, previous, next, related (candidates' ids, then the
    # ranking), comments, then the fragments cached for every page: the
    # popular sidebar (ids, then rows) and the category nav.
    assert count_queries(client, article.get_absolute_url()) == 10


def test_article_page_budget_holds_when_related_needs_topping_up(client):
    category = make_category()
    lonely = make_article(category=category, tags=["独有标签"])
    for _ in range(3):
        make_article(category=category)
    assert count_queries(client, lonely.get_absolute_url()) <= 10


def test_sidebars_are_cached_between_pages(client, many):
    article = many[30]
    count_queries(client, article.get_absolute_url())
    version.current()
    with CaptureQueriesContext(connection) as queries:
        client.get(many[31].get_absolute_url())
    sql = " ".join(q["sql"] for q in queries)
    assert '"views" DESC' not in sql.replace("`", '"'), "popular sidebar was not cached"


def test_article_rerender_reads_only_the_read_count(client, many):
    """With the page itself not cached (a query string the page cache
    ignores), only the read count is read again: the article with its tags,
    上一篇/下一篇, 相关文章, the comments and the sidebars come from the cache."""
    article = many[30]
    client.get(article.get_absolute_url())
    version.current()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url() + "?view=again").status_code == 200
    assert len(queries) == 1
    assert '"views"' in queries[0]["sql"].replace("`", '"')


def test_rerender_shows_the_current_read_count(client, many):
    """The read counter writes counts without bumping the content version;
    a re-rendered page shows the new count all the same."""
    article = many[30]
    crawler = {"HTTP_USER_AGENT": "Googlebot/2.1"}  # not a read: the count stays put
    client.get(article.get_absolute_url() + "?view=a", **crawler)
    Article.objects.filter(pk=article.pk).update(views=98765)
    html = client.get(article.get_absolute_url() + "?view=b", **crawler).content.decode()
    assert "阅读量:98765" in html


def test_lists_never_read_the_article_bodies(client, many):
    """Bodies are the bulk of the table; lists show excerpts of body_text."""
    body_column = re.compile(r'"articles_article"\."body"(?!_)')
    for path in ["/", many[0].category.get_absolute_url(), "/tags/标签1/", "/feed/"]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        reading = [q["sql"] for q in queries if body_column.search(q["sql"])]
        assert reading == [], path
