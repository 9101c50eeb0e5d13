"""A WordPress site moved in from its export, checked as a reader sees it."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image
from taggit.models import Tag

from articles.models import Article, Category
from comments.models import Comment
from legacy.models import OldAddress
from legacy.wordpress import body_html

pytestmark = pytest.mark.django_db
WXR = Path(__file__).with_name("wxr")


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads" / "2023" / "03"
    folder.mkdir(parents=True)
    # Only the original exists; the post shows its 300x200 copy.
    Image.new("RGB", (900, 600), (30, 160, 90)).save(folder / "refund-flow.png", "PNG")
    return tmp_path / "uploads"


def run_import(path, *extra):
    out, err = io.StringIO(), io.StringIO()
    failed = None
    try:
        call_command("import_wordpress", str(path), *extra, stdout=out, stderr=err)
    except CommandError as error:
        failed = str(error)
    return out.getvalue(), err.getvalue(), failed


@pytest.fixture
def imported(uploads):
    return run_import(WXR / "shop-1.2.xml", "--uploads", str(uploads))


def follow_old(client, address):
    response = client.get(address)
    assert response.status_code == 301, address
    page = client.get(response["Location"])
    assert page.status_code == 200, (address, response["Location"])
    return response["Location"], page.content.decode()


def test_a_post_by_its_permalink_and_by_p(client, imported):
    out, err, failed = imported
    assert failed is None, (out, err)
    assert "文章 12:/wp-content/uploads/2023/03/no-such-file.jpg" in out  # reported, not fatal
    article = Article.objects.get(source_url="wordpress:12")
    for old in ["/2023/03/08/refund-disputes/", "/?p=12"]:
        location, page = follow_old(client, old)
        assert location == article.get_absolute_url()
        assert ">退款纠纷怎么处理才不扣分</h1>" in page
        assert "2023-03-08 14:20:00" in page  # post_date_gmt in China time
        # The imported 2048, plus this test's own reads (counted in memory).
        assert 2048 < int(re.search(r"阅读量:(\d+)", page).group(1)) <= 2050
        assert ">退款<" in page
    # A Chinese slug, percent-encoded as browsers send it.
    location, page = follow_old(client, "/2023/05/20/%E5%AE%A2%E6%9C%8D%E8%AF%9D%E6%9C%AF/")
    assert "客服话术:三句话留住犹豫的买家" in page


def test_comments_images_and_the_body(client, imported):
    _, page = follow_old(client, "/?p=12")
    assert "留言与评论(共有 2 条评论)" in page
    assert "终于知道为什么被扣分了。" in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;看这里" in page
    assert "这条还没审核" not in page and "便宜刷单" not in page
    assert Comment.objects.filter(status=Comment.Status.PENDING, body="这条还没审核。").exists()
    assert not Comment.objects.filter(body__contains="引用了这篇").exists()  # a pingback
    article = Article.objects.get(source_url="wordpress:12")
    assert "<p>买家申请退款时,先别急着拒绝。</p>" in article.body  # paragraphs from blank lines
    assert "[caption" not in article.body
    images = re.findall(r'src="(/media/uploads/[^"]+)"', article.body)
    assert len(images) == 1 and default_storage.exists(images[0].removeprefix("/media/"))
    assert article.cover and default_storage.exists(article.cover.name)  # _thumbnail_id
    second = Article.objects.get(source_url="wordpress:15")
    assert "wp:paragraph" not in second.body and "<h2>一、先肯定再解释</h2>" in second.body
    assert f'href="{article.get_absolute_url()}"' in second.body
    assert f'href="{second.get_absolute_url()}"' in article.body


def test_categories_tags_and_their_archives(client, imported):
    assert client.get("/category/kaidian/")["Location"] == "/kaidian/"
    assert client.get("/category/kaidian/tuiguang/")["Location"] == "/tuiguang/"
    assert client.get("/category/kaidian/feed/")["Location"] == "/kaidian/"
    assert client.get("/?cat=5")["Location"] == "/tuiguang/"
    location, page = follow_old(client, "/tag/%E9%80%80%E6%AC%BE/")
    assert location == "/tags/%E9%80%80%E6%AC%BE/"
    assert "退款纠纷怎么处理才不扣分" in page and "客服话术" in page
    assert client.get("/?tag=kefu").status_code == 301
    assert client.get("/feed/").status_code == 200  # our own feed answers the old one


def test_drafts_private_trash_pages_menus_and_attachments(client, imported):
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"退款纠纷怎么处理才不扣分", "客服话术:三句话留住犹豫的买家",
                      "还没写完的草稿", "只给自己看的记账"}  # fmt: skip
    for title in ("还没写完的草稿", "只给自己看的记账"):
        article = Article.objects.get(title=title)
        assert article.status == Article.Status.DRAFT
        assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/2023/06/02/private-notes/").status_code == 404
    assert client.get("/about/").status_code == 404  # pages are not articles


def test_running_again_adds_nothing(uploads, imported):
    counts = [m.objects.count() for m in (Article, Comment, Category, Tag, OldAddress)]
    out, _, failed = run_import(WXR / "shop-1.2.xml", "--uploads", str(uploads))
    assert failed is None
    assert [m.objects.count() for m in (Article, Comment, Category, Tag, OldAddress)] == counts
    assert "文章:更新 4,跳过 1" in out


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_written(uploads):
    _, _, failed = run_import(WXR / "broken.xml", "--uploads", str(uploads))
    assert failed and "第 159 行" in failed and "没有导入任何内容" in failed
    assert Article.objects.count() == 0 and Category.objects.count() == 0
    assert OldAddress.objects.count() == 0


def test_a_dry_run_writes_nothing(uploads, tmp_path):
    out, _, _ = run_import(WXR / "shop-1.2.xml", "--uploads", str(uploads), "--dry-run")
    assert "试运行" in out and "文章:新增 4" in out
    assert Article.objects.count() == 0 and OldAddress.objects.count() == 0
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_wxr_1_0_with_plain_permalinks(client):
    _, err, failed = run_import(WXR / "plain-1.0.xml")
    assert failed is None, err
    _, page = follow_old(client, "/?p=7")
    assert "发货前的三次检查" in page and "2009-04-01 20:00:00" in page
    article = Article.objects.get(source_url="wordpress:7")
    assert list(article.tags.names()) == ["发货"]
    assert article.category.slug == "uncategorized"
    assert "<p>打包前对一遍订单,<br>封箱前对一遍赠品。</p>" in article.body


def test_the_file_is_read_as_a_stream(tmp_path, monkeypatch):
    """Each item is cleared and dropped once read: the tree holds only what
    the parser has read ahead (a buffer's worth), however long the file."""
    import legacy.wordpress as wordpress

    big = tmp_path / "many.xml"
    source = (WXR / "shop-1.2.xml").read_text(encoding="utf-8")
    head, rest = source.split("<item>", 1)
    item = "<item>" + rest.split("</item>", 1)[0] + "</item>"
    big.write_text(head + item * 500 + "</channel></rss>", encoding="utf-8")
    sizes = []
    real_item = wordpress._item

    def spy(element):
        sizes.append(len(channel_of[0]))
        return real_item(element)

    channel_of = []
    real_iterparse = wordpress.ET.iterparse

    def iterparse(*args, **kwargs):
        for event, element in real_iterparse(*args, **kwargs):
            if event == "start" and element.tag == "channel":
                channel_of.append(element)
            yield event, element

    monkeypatch.setattr(wordpress, "_item", spy)
    monkeypatch.setattr(wordpress.ET, "iterparse", iterparse)
    assert sum(isinstance(e, wordpress.Item) for e in wordpress.read(big)) == 500
    assert max(sizes) < 20


def test_body_html_keeps_block_content():
    assert body_html("<!-- wp:paragraph --><p>甲</p><!-- /wp:paragraph -->") == "<p>甲</p>"
    assert body_html("一\n二\n\n三") == "<p>一<br>二</p>\n<p>三</p>"


def test_a_missing_file(tmp_path):
    _, _, failed = run_import(tmp_path / "none.xml")
    assert "文件不存在" in failed


def test_a_mistyped_uploads_folder_stops_before_anything_is_written(tmp_path):
    _, _, failed = run_import(WXR / "shop-1.2.xml", "--uploads", str(tmp_path / "uplaods"))
    assert failed == (
        f"--uploads 目录不存在:{tmp_path / 'uplaods'}(应为旧站的 wp-content/uploads)。"
        "没有导入任何内容。"
    )
    assert not Article.objects.exists()
