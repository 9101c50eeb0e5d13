"""A database that cannot be reached: a styled Chinese 503 page (not a 500),
the comment being posted shown again, and the cached pages still served
under the content version last read. The real outage is in
faults/test_postgres_down.py."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from articles.version import version
from pagecache.tests.client import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def database_down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1" failed: Connection refused')


def test_a_page_while_the_database_is_down_is_a_styled_503(reader, article):
    with mock.patch("articles.views.public_article", side_effect=database_down):
        response = reader.get(article.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "网站暂时无法访问" in page and "请稍后刷新重试" in page
    assert 'href="/static/css/site.css"' in page  # styled like the site


def test_a_comment_posted_while_the_database_is_down_is_shown_again(reader, article):
    with mock.patch("comments.views._public_article", side_effect=database_down):
        response = reader.post(
            f"/comments/{article.pk}/post/",
            {"nickname": "小王", "body": "这条评论写了很久<b>不能丢</b>"},
        )
    assert response.status_code == 503
    page = response.content.decode()
    assert "你刚才写的评论还没有发出" in page
    assert "这条评论写了很久&lt;b&gt;不能丢&lt;/b&gt;" in page  # kept, and escaped


def test_any_other_error_is_still_the_500_page(reader, article):
    with mock.patch("articles.views.public_article", side_effect=RuntimeError("bug")):
        response = reader.get(article.get_absolute_url())
    assert response.status_code == 500
    assert "服务器开小差了" in response.content.decode()


def test_cached_pages_are_served_while_the_version_cannot_be_read(article, settings):
    status, headers, first = call(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss"
    settings.PAGE_CACHE_VERSION_SECONDS = 0  # read it again on every request
    with (
        mock.patch.object(type(version), "_load", side_effect=database_down),
        # (on PostgreSQL, closing would end the test's own transaction)
        mock.patch("articles.version.connection"),
    ):
        status, headers, second = call(article.get_absolute_url())
    assert status.startswith("200") and headers["X-Page-Cache"] == "hit"
    assert second == first.replace("阅读量:1<", "阅读量:2<")  # its count read afresh
