"""A DedeCMS site moved in, checked as a reader sees it afterwards.

The old database is real: MariaDB tables from DedeCMS's published schema,
stored as GBK (legacy/tests/dede.py). No test here is ever skipped: when
MariaDB cannot be reached they fail.
"""

import io
import re
from urllib.parse import quote, unquote

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image
from taggit.models import Tag

from articles.models import Article, Category
from comments.models import Comment
from legacy.models import OldAddress

from . import dede

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def old_database():
    dede.build("dede_", "gbk")
    return dede.database_url()


@pytest.fixture
def site_root(tmp_path):
    folder = tmp_path / "www" / "uploads" / "allimg" / "230105"
    folder.mkdir(parents=True)
    Image.new("RGB", (640, 360), (200, 80, 20)).save(folder / "cover101.jpg", "JPEG")
    Image.new("RGB", (300, 200), (20, 120, 200)).save(folder / "1-2301051030.png", "PNG")
    return tmp_path / "www"


def run_import(url, site_root=None, *extra, prefix="dede_"):
    out, err = io.StringIO(), io.StringIO()
    args = ["import_dedecms", "--database-url", url, "--table-prefix", prefix, *extra]
    if site_root:
        args += ["--site-root", str(site_root)]
    failed = None
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        failed = str(error)
    return out.getvalue(), err.getvalue(), failed


@pytest.fixture
def imported(old_database, site_root):
    return run_import(old_database, site_root)


def follow_old(client, address):
    response = client.get(address)
    assert response.status_code == 301, address
    page = client.get(response["Location"])
    assert page.status_code == 200, (address, response["Location"])
    return response["Location"], page.content.decode()


def test_the_test_database_is_stored_as_gbk(old_database):
    with dede.connect() as db, db.cursor() as cursor:
        cursor.execute("SHOW CREATE TABLE dede_archives")
        assert "CHARSET=gbk" in cursor.fetchone()[1]
        cursor.execute("SELECT HEX(title) FROM dede_archives WHERE id = 101")
        assert cursor.fetchone()[0].lower() == "新店如何做好首月运营".encode("gbk").hex()


def test_every_old_address_of_an_article_answers_one_301_to_its_page(client, imported):
    article = Article.objects.get(source_url="dedecms:101")
    for old in [
        "/a/taobao/20230105/101.html",  # {typedir}/{Y}{M}{D}/{aid}.html
        "/plus/view.php?aid=101",
        "/plus/view-101-1.html",
    ]:
        location, page = follow_old(client, old)
        assert location == article.get_absolute_url()
        assert ">新店如何做好首月运营</h1>" in page
        assert "2023-01-05 10:30:00" in page
        # The imported 1234, plus this test's own reads (counted in memory).
        assert 1234 < int(re.search(r"阅读量:(\d+)", page).group(1)) <= 1237
    # The nested category's rule {typedir}/{Y}/{M}{D}/{aid}.html, a custom file name.
    location, page = follow_old(client, "/a/taobao/ztc/2023/0210/102.html")
    assert "直通车出价的三个误区" in page
    location, page = follow_old(client, "/pdd/shuang11-guide.html")
    assert "拼多多双十一报名指南" in page


def test_the_page_has_the_old_tags_comments_and_images(client, imported):
    _, page = follow_old(client, "/plus/view.php?aid=101")
    assert re.search(r'相关标签.*href="/tags/%E6%96%B0%E5%BA%97/"[^>]*>新店<', page, re.S)
    assert ">运营<" in page
    assert "留言与评论(共有 2 条评论)" in page
    assert "写得很实在,照着做了第一周。" in page and "老王" in page
    assert "加我微信领资料" not in page  # waiting for moderation
    assert "&lt;script&gt;alert(1)&lt;/script&gt;收藏了" in page
    assert "<script>alert(1)" not in page and "alert('old')" not in page
    images = re.findall(r'<img[^>]+src="(/media/uploads/[^"]+)"', page)
    assert images, "the body image was not copied"
    assert default_storage.exists(images[0].removeprefix("/media/"))
    article = Article.objects.get(source_url="dedecms:101")
    assert article.cover and default_storage.exists(article.cover.name)
    assert (article.is_pinned, article.is_recommended) == (True, True)
    assert article.seo_keywords == "新店,首月运营"
    assert article.seo_description == "新店第一个月该做的几件事。"


def test_the_imported_articles_are_found_by_the_search(client, imported):
    page = client.get("/search/", {"q": "首月运营"}).content.decode()
    assert "新店如何做好首月运营" in page
    assert "等待审核的文章" not in client.get("/search/", {"q": "审核"}).content.decode()


def test_links_between_old_articles_point_at_the_new_pages(imported):
    first = Article.objects.get(source_url="dedecms:101")
    second = Article.objects.get(source_url="dedecms:102")
    assert f'href="{second.get_absolute_url()}"' in first.body
    assert f'href="{first.get_absolute_url()}"' in second.body


def test_categories_their_list_pages_and_tags(client, imported):
    assert client.get("/a/taobao/")["Location"] == "/taobao/"
    assert client.get("/a/taobao/index.html")["Location"] == "/taobao/"
    assert client.get("/a/taobao/list_1_1.html")["Location"] == "/taobao/"
    assert client.get("/plus/list.php?tid=2")["Location"] == "/ztc/"
    _, page = follow_old(client, "/a/taobao/ztc/")
    assert "直通车" in page
    names = dict(Category.objects.values_list("slug", "name"))
    assert names == {"taobao": "淘宝运营", "ztc": "直通车", "pdd": "拼多多"}
    location, page = follow_old(client, "/tags.php?/%E6%96%B0%E5%BA%97/")
    assert location == "/tags/%E6%96%B0%E5%BA%97/"
    assert "新店如何做好首月运营" in page


def test_review_and_recycle_bin(client, imported):
    waiting = Article.objects.get(source_url="dedecms:103")
    assert waiting.status == Article.Status.DRAFT
    assert client.get(waiting.get_absolute_url()).status_code == 404
    assert client.get("/plus/view.php?aid=103").status_code == 404
    assert not Article.objects.filter(source_url="dedecms:104").exists()
    assert not Article.objects.filter(title="回收站里的文章").exists()
    assert client.get("/plus/view.php?aid=104").status_code == 404


def test_the_report_names_bad_rows_and_missing_images_and_fails(imported):
    out, err, failed = imported
    assert "文章 106:栏目 99 不存在或没有导入" in err
    assert failed and "1 条记录导入失败" in failed
    assert "/uploads/allimg/230105/gone.jpg" in out
    assert "文章:新增 5,跳过 1,失败 1" in out
    assert "评论:新增 3" in out
    assert Article.objects.count() == 5  # 101, 102, 103, 105, 107


def test_running_again_adds_nothing(old_database, site_root, imported):
    counts = [m.objects.count() for m in (Article, Comment, Category, Tag, OldAddress)]
    article = Article.objects.get(source_url="dedecms:101")
    body = article.body
    out, _, _ = run_import(old_database, site_root)
    assert [m.objects.count() for m in (Article, Comment, Category, Tag, OldAddress)] == counts
    assert "文章:更新 5,跳过 1,失败 1" in out
    assert "新增" not in out.split("文章")[1].split("\n")[0]
    assert Article.objects.get(pk=article.pk).body == body


def test_a_dry_run_writes_nothing(old_database, site_root, tmp_path):
    out, _, _ = run_import(old_database, site_root, "--dry-run")
    assert "试运行" in out and "文章:新增 5" in out
    assert Article.objects.count() == 0
    assert OldAddress.objects.count() == 0 and Category.objects.count() == 0
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_latin1_tables_holding_gbk_bytes_read_right(site_root):
    dede.build("l1_", "latin1")
    out, err, _ = run_import(dede.database_url(), site_root, prefix="l1_")
    assert "文章:新增 5" in out and "文章 106" in err
    assert Article.objects.filter(title="新店如何做好首月运营").exists()
    assert Category.objects.filter(name="淘宝运营").exists()
    assert Comment.objects.filter(body="写得很实在,照着做了第一周。").exists()


def test_a_mistyped_site_root_stops_before_anything_is_written(old_database, tmp_path):
    missing = tmp_path / "wwwroot"
    with pytest.raises(CommandError, match="--site-root 目录不存在") as error:
        call_command("import_dedecms", "--database-url", old_database, "--site-root", str(missing))
    assert str(missing) in str(error.value) and "没有导入任何内容" in str(error.value)
    assert not Article.objects.exists()


def test_a_wrong_prefix_or_server_is_a_clear_error(old_database):
    with pytest.raises(CommandError, match="没有织梦的表 wp_arctype"):
        call_command("import_dedecms", "--database-url", old_database, "--table-prefix", "wp_")
    with pytest.raises(CommandError, match="数据库地址应形如"):
        call_command("import_dedecms", "--database-url", "postgres://x/y")


def test_an_old_address_of_our_own_article_form(client, imported):
    """/pdd/107.html ({typedir}/{aid}.html) is also the form of our article
    pages: with no article 107 of ours it reaches the old addresses; the
    report says a later article 107 of ours could take it."""
    out, _, _ = imported
    article = Article.objects.get(source_url="dedecms:107")
    assert not Article.objects.filter(pk=107).exists()
    assert client.get("/pdd/107.html")["Location"] == article.get_absolute_url()
    assert "1 个旧地址形如本站文章地址(/分类/编号.html),现在都跳转到旧文章" in out
    assert "旧地址被本站文章占用" not in out


def test_our_article_of_that_number_in_another_category_leaves_the_old_address_to_redirect(
    client, old_database, site_root
):
    """Our article view answers /x/107.html for our article 107 whatever x
    is (a 301 to its own address); the old page at that address wins."""
    ours = Article.objects.create(
        pk=107, title="本站自己的文章", body="<p>本站原有。</p>", status="published",
        category=Category.objects.create(name="本站分类", slug="benzhan"),
    )  # fmt: skip
    run_import(old_database, site_root)
    old = Article.objects.get(source_url="dedecms:107")
    assert client.get("/pdd/107.html")["Location"] == old.get_absolute_url()
    assert client.get("/benzhan/107.html").status_code == 200  # ours, untouched
    assert client.get("/other/107.html")["Location"] == ours.get_absolute_url()


def test_an_old_address_our_own_article_answers_is_listed_in_the_report(
    client, old_database, site_root
):
    """Our article 107 in the category the old /pdd/ became: /pdd/107.html
    is its own page, so the old article's address there is lost, and the
    report names it with where the old article is now."""
    pdd = Category.objects.create(name="拼多多", slug="pdd")
    Article.objects.create(pk=107, title="本站自己的文章", body="<p>本站原有。</p>",
                           status="published", category=pdd)  # fmt: skip
    out, _, _ = run_import(old_database, site_root)
    old = Article.objects.get(source_url="dedecms:107")
    assert "旧地址被本站文章占用 1 个" in out
    assert f"/pdd/107.html:本站文章 107《本站自己的文章》,旧文章在 {old.get_absolute_url()}" in out
    assert "本站自己的文章" in client.get("/pdd/107.html").content.decode()


def test_a_chunk_refused_late_is_written_row_by_row_without_using_what_it_gathered(
    client, old_database, site_root
):
    """The database refuses the old address of 101's own tag 新店, the last
    write of its chunk: the chunk (articles, the bodies whose links are to
    be rewritten, tag addresses) rolls back and each row is written again
    alone. 101 is named; the others land with their tags' old addresses,
    and nothing gathered by the rolled-back attempt is used."""
    from unittest import mock

    from django.db import IntegrityError

    from legacy.management.commands import import_dedecms

    real = import_dedecms.record_addresses

    def refusing(*, addresses, **kwargs):
        if any(old_id == "tag:新店" for _, _, old_id, _ in addresses):
            raise IntegrityError("refused")
        return real(addresses=addresses, **kwargs)

    with mock.patch.object(import_dedecms, "record_addresses", refusing):
        out, err, failed = run_import(old_database, site_root)
    assert "文章 101:数据有误:refused" in err and "2 条记录导入失败" in failed
    assert not Article.objects.filter(source_url="dedecms:101").exists()
    assert "文章:新增 4,跳过 1,失败 2" in out
    second = Article.objects.get(source_url="dedecms:102")
    for tag in ("直通车", "运营"):  # 102's tags, 运营 also 101's
        response = client.get("/tags.php?" + quote(f"/{tag}/"))
        assert response.status_code == 301, tag
        assert unquote(response["Location"]) == f"/tags/{Tag.objects.get(name=tag).slug}/"
    assert client.get("/plus/view.php?aid=102")["Location"] == second.get_absolute_url()
