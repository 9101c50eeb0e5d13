"""Old addresses: one 301 to the current address, found only on the 404
path, at most one indexed query and one cache read."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.tests.factories import make_article, make_category
from articles.version import version
from legacy.lookup import new_address, query_keys
from legacy.models import NotFoundPath, OldAddress
from legacy.notfound import not_found_log

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_404_log():
    not_found_log._pending.clear()
    yield
    not_found_log._pending.clear()


@pytest.fixture
def moved():
    category = make_category(name="直通车", slug="ztc")
    article = make_article(category=category, title="直通车出价的三个误区")
    OldAddress.objects.create(path="/a/ztc/20230105/88.html", article=article)
    OldAddress.objects.create(path="/plus/view.php", query="aid=88", article=article)
    OldAddress.objects.create(path="/a/ztc/", category=category)
    tag = Tag.objects.create(name="出价", slug="出价")
    OldAddress.objects.create(path="/tags.php", query="/出价/", tag=tag)
    OldAddress.objects.create(path="/", query="p=88", article=article)
    return article


def test_each_old_address_answers_one_301_to_the_page(client, moved):
    url = moved.get_absolute_url()
    for old in ["/a/ztc/20230105/88.html", "/plus/view.php?aid=88", "/?p=88"]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == url
        page = client.get(url)
        assert page.status_code == 200
        assert "直通车出价的三个误区" in page.content.decode()
    assert client.get("/a/ztc/")["Location"] == "/ztc/"


def test_a_tag_page_by_its_query_in_utf8_and_in_gbk(client, moved):
    utf8 = client.get("/tags.php?/%E5%87%BA%E4%BB%B7/")
    assert utf8.status_code == 301
    assert utf8["Location"] == "/tags/%E5%87%BA%E4%BB%B7/"
    gbk = "/tags.php?/" + "".join(f"%{b:02X}" for b in "出价".encode("gbk")) + "/"
    assert client.get(gbk)["Location"] == "/tags/%E5%87%BA%E4%BB%B7/"


def test_extra_parameters_do_not_hide_the_old_address(client, moved):
    response = client.get("/plus/view.php?aid=88&pageno=2&utm_source=wx")
    assert response.status_code == 301
    assert response["Location"] == moved.get_absolute_url()
    # Another article's id is not this one.
    assert client.get("/plus/view.php?aid=89").status_code == 404


def test_a_renamed_category_is_still_one_hop(client, moved, django_capture_on_commit_callbacks):
    assert client.get("/plus/view.php?aid=88")["Location"] == f"/ztc/{moved.pk}.html"
    category = moved.category
    category.slug = "zhitongche"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
    response = client.get("/plus/view.php?aid=88")
    assert response["Location"] == f"/zhitongche/{moved.pk}.html"
    assert client.get(response["Location"]).status_code == 200


def test_a_draft_behind_an_old_address_is_404(client, moved, django_capture_on_commit_callbacks):
    assert client.get("/plus/view.php?aid=88").status_code == 301
    moved.status = moved.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        moved.save()
    assert client.get("/plus/view.php?aid=88").status_code == 404


def test_the_home_page_with_its_own_parameters_is_left_alone(client, moved):
    assert client.get("/?from=singlemessage&isappinstalled=0").status_code == 200
    assert client.get("/?p=999").status_code == 200  # no such old post: the home page


def test_an_editors_redirect_to_a_free_address(client, moved, django_capture_on_commit_callbacks):
    assert client.get("/zhuanti/618.html").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        OldAddress.objects.create(path="/zhuanti/618.html", target_url="/ztc/")
    response = client.get("/zhuanti/618.html")
    assert (response.status_code, response["Location"]) == (301, "/ztc/")


def test_one_indexed_query_cold_and_none_hot(client, moved, django_assert_num_queries):
    version.current()  # the process has read the content version already
    with CaptureQueriesContext(connection) as cold:
        response = client.get("/plus/view.php?aid=88")
    assert response.status_code == 301
    assert len(cold.captured_queries) == 1
    assert "legacy_oldaddress" in cold.captured_queries[0]["sql"]
    reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    cache.get = counting_get
    try:
        with django_assert_num_queries(0):
            again = client.get("/plus/view.php?aid=88")
    finally:
        del cache.get
    assert again["Location"] == response["Location"]
    assert len([key for key in reads if key.startswith("legacy:")]) == 1


def test_the_lookup_reads_the_index():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny table is scanned whatever its indexes: ask whether the
            # index can answer the lookup at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = OldAddress.objects.filter(path="/x", query__in=["", "a=1"]).explain()
    assert "INDEX" in plan.upper()
    assert "SCAN legacy_oldaddress" not in plan and "Seq Scan" not in plan


def test_query_keys():
    assert query_keys("") == [""]
    assert query_keys("aid=12&mid=1") == ["", "aid=12", "mid=1", "aid=12&mid=1"]
    assert query_keys("/%E5%87%BA/") == ["", "/出/"]


def test_unknown_addresses_are_counted_in_memory_then_written_in_one_batch(
    client, moved, django_assert_num_queries
):
    for _ in range(3):
        assert client.get("/old/missing.html").status_code == 404
    client.get("/other/missing/")
    assert NotFoundPath.objects.count() == 0  # nothing written on the reader's path
    assert not_found_log.flush() == 4
    rows = dict(NotFoundPath.objects.values_list("path", "count"))
    assert rows == {"/old/missing.html": 3, "/other/missing/": 1}
    client.get("/old/missing.html")
    not_found_log.flush()
    assert NotFoundPath.objects.get(path="/old/missing.html").count == 4


def test_the_404_log_holds_a_bounded_number_of_paths(monkeypatch):
    monkeypatch.setattr("legacy.notfound.MAX_PENDING", 3)
    for n in range(10):
        not_found_log.add(f"/junk/{n}")
    not_found_log.add("/junk/0")
    assert dict(not_found_log._pending) == {"/junk/0": 2, "/junk/1": 1, "/junk/2": 1}


def test_a_redirected_address_is_served_not_logged(client, moved):
    client.get("/a/ztc/20230105/88.html")
    assert not not_found_log._pending


def test_new_address_without_a_request(moved):
    assert new_address("/a/ztc/20230105/88.html") == moved.get_absolute_url()
    assert new_address("/nothing") is None
