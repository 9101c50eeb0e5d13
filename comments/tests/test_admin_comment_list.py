"""The moderators' comment list at a million comments: newest first, and a
count that never reads more than a bounded number of index entries."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.paging import BoundedCountPaginator
from articles.tests.factories import make_article
from comments.models import Comment

pytestmark = pytest.mark.django_db

URL = "/admin/comments/comment/"


@pytest.fixture
def comments():
    article = make_article(title="有评论的文章")
    start = timezone.now() - timedelta(days=1)
    return Comment.objects.bulk_create(
        Comment(
            article=article,
            body=f"第{n}条",
            status=Comment.Status.APPROVED if n % 4 else Comment.Status.PENDING,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(8)
    )


def paginator_text(html):
    return " ".join(re.search(r'<p class="paginator">(.*?)</p>', html, re.S).group(1).split())


def test_newest_comment_first(admin_client, comments):
    html = admin_client.get(URL).content.decode()
    shown = re.findall(r"<th class=\"field-short_body\"><a [^>]*>第(\d)条", html)
    assert shown == ["7", "6", "5", "4", "3", "2", "1", "0"]
    assert paginator_text(html) == "8 评论"


def test_past_the_cap_the_whole_list_is_estimated_and_a_filtered_one_bounded(
    admin_client, comments, monkeypatch
):
    monkeypatch.setattr(BoundedCountPaginator, "cap", 5)
    # The table's size as the database estimates it: the highest id, or on
    # PostgreSQL its statistics (which other tests' rows may have moved).
    estimate = paginator_text(admin_client.get(URL).content.decode())
    found = re.search(r"(?:^|> )约 ([\d,]+) 条$", estimate)
    assert found, estimate
    assert int(found.group(1).replace(",", "")) >= 8
    html = admin_client.get(URL, {"status__exact": "approved"}).content.decode()
    assert paginator_text(html) == "超过 5 条"
    html = admin_client.get(URL, {"status__exact": "pending"}).content.decode()
    assert paginator_text(html) == "2 评论"


def test_search_reads_only_the_newest_comments_and_says_so(admin_client, comments, monkeypatch):
    from comments import admin as comments_admin

    monkeypatch.setattr(comments_admin, "SEARCH_RECENT", 3)
    html = admin_client.get(URL, {"q": "条"}).content.decode()
    shown = re.findall(r"<th class=\"field-short_body\"><a [^>]*>第(\d)条", html)
    assert shown == ["7", "6", "5"]
    assert "在最近的 20,000 条评论中搜索" in admin_client.get(URL).content.decode()
