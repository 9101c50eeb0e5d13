"""Editors see and add redirects, and the most requested 404 addresses."""

import pytest
from django.utils import timezone

from articles.tests.factories import make_article, make_category
from legacy.models import NotFoundPath, OldAddress

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_redirect_after_renaming_a_category(admin_client, client):
    category = make_category(name="淘宝客", slug="tbk")
    response = admin_client.post(
        "/admin/legacy/oldaddress/add/",
        {
            "path": "/taobaoke/",
            "query": "",
            "category": category.pk,
            "target_url": "",
            "source": "editor",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert client.get("/taobaoke/")["Location"] == "/tbk/"
    listing = admin_client.get("/admin/legacy/oldaddress/").content.decode()
    assert "/taobaoke/" in listing and 'href="/tbk/"' in listing


def test_a_redirect_needs_exactly_one_target(admin_client):
    article = make_article()
    response = admin_client.post(
        "/admin/legacy/oldaddress/add/",
        {"path": "/x.html", "article": article.pk, "target_url": "/y/", "source": "editor"},
    )
    assert "只能填写其中一项" in response.content.decode()
    assert not OldAddress.objects.exists()


def test_the_404_log_lists_the_most_requested_first(admin_client):
    now = timezone.now()
    NotFoundPath.objects.create(path="/rare.html", count=2, last_seen=now)
    NotFoundPath.objects.create(path="/often.html", count=50, last_seen=now)
    NotFoundPath.objects.create(path="/done.html", count=90, last_seen=now)
    OldAddress.objects.create(path="/done.html", target_url="/")
    page = admin_client.get("/admin/legacy/notfoundpath/").content.decode()
    assert page.index("/often.html") < page.index("/rare.html")
    assert "/done.html" not in page  # it has a redirect now
    assert "添加跳转" in page
