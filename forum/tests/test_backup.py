"""manage.py backup and restore: a site taken apart and put back holds every
article, comment, tag, old address, read count and image as it was, on the
database the suite runs on (SQLite, or PostgreSQL through pg_dump)."""

import io
import shutil
import tarfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles import images
from articles.models import Article
from articles.reads import reads
from articles.tests.factories import image_file, make_article, make_category
from comments.models import Comment
from legacy.models import OldAddress

pytestmark = pytest.mark.django_db(transaction=True)


def build_site():
    category = make_category(name="淘宝运营", slug="tbyy")
    cover = images.store_image(image_file("cover.jpg", size=(640, 360)), folder="covers")
    body_image = images.store_image(image_file("in-body.png", kind="PNG"), folder="uploads")
    first = make_article(
        category=category,
        title="直通车怎么开",
        body=f'<p>先看数据。</p><img src="{body_image.url}" alt="后台">',
        cover=cover.name,
        views=120,
        tags=["直通车", "推广"],
    )
    second = make_article(category=category, title="退款怎么处理", views=7, tags=["售后"])
    Comment.objects.create(article=first, nickname="小王", body="写得好", status="approved")
    Comment.objects.create(article=first, nickname="老李", body="等审核", status="pending")
    OldAddress.objects.create(path="/plus/view.php", query="aid=12", article=second)
    reads.add(first.pk)  # counted, not yet written: the backup must hold it
    return first, second


def snapshot():
    return {
        "articles": sorted(
            (
                a.pk,
                a.title,
                a.body,
                a.views,
                a.cover.name,
                a.thumbnail.name,
                a.category.slug,
                sorted(a.tags.names()),
            )
            for a in Article.objects.select_related("category")
        ),
        "comments": sorted(
            Comment.objects.values_list("article_id", "nickname", "body", "status", "created_at")
        ),
        "old": sorted(OldAddress.objects.values_list("path", "query", "article_id")),
        "media": {name: default_storage.open(name).read() for name in _media()},
    }


def _media():
    from articles.backup import media_names

    return sorted(media_names())


def empty_the_site():
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)


def test_a_round_trip_keeps_every_article_comment_tag_redirect_read_and_image(tmp_path, client):
    first, second = build_site()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    before = snapshot()
    assert len(before["articles"]) == 2 and len(before["comments"]) == 2
    assert next(a for a in before["articles"] if a[0] == first.pk)[3] == 121  # the pending read
    assert len(before["media"]) == 4  # cover, body image and their two thumbnails

    empty_the_site()
    assert Article.objects.count() == 0 and _media() == []
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "已从" in out.getvalue() and "4 个媒体文件" in out.getvalue()

    assert snapshot() == before
    # What readers see: the article with its read count (121, and this
    # reader's read) and its image, the old address.
    page = client.get(first.get_absolute_url()).content.decode()
    assert "阅读量:122" in page and '<img src="/media/uploads/' in page
    old = client.get("/plus/view.php?aid=12")
    assert old.status_code == 301 and old["Location"].endswith(second.get_absolute_url())


def test_a_site_with_content_is_refused_unless_forced(tmp_path):
    build_site()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    make_article(title="备份之后写的")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert "本站已有内容(3 篇文章、2 个分类)" in str(refused.value)
    assert "--force" in str(refused.value)
    assert Article.objects.filter(title="备份之后写的").exists()  # nothing changed

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert not Article.objects.filter(title="备份之后写的").exists()
    assert Article.objects.count() == 2


def test_a_damaged_archive_is_refused_before_anything_changes(tmp_path):
    build_site()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/covers/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    empty_the_site()
    with pytest.raises(CommandError, match=r"备份文件已损坏:media/covers/.*校验和不符"):
        call_command("restore", str(damaged))
    assert Article.objects.count() == 0 and _media() == []
    with pytest.raises(CommandError, match="不是本站的备份文件"):
        broken = tmp_path / "other.tar.gz"
        with tarfile.open(broken, "w:gz") as other:
            other.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
        call_command("restore", str(broken))
