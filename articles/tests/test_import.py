import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Category

from .factories import make_category

pytestmark = pytest.mark.django_db


def line(**overrides):
    record = {
        "title": "拼多多新店如何报名活动",
        "category": "pdd",
        "category_name": "拼多多",
        "tags": ["活动报名", "新店扶持"],
        "body_html": "<h2>一、准备</h2><p>1、先看规则</p>",
        "published_at": "2025-05-01T10:00:00+08:00",
        "views": 321,
        "summary": "报名前要准备什么",
        "source_url": "https://old.example.com/pdd/1.html",
    }
    record.update(overrides)
    return json.dumps({k: v for k, v in record.items() if v is not ...}, ensure_ascii=False)


def run_import(tmp_path, *lines, **options):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return call_command("import_articles", str(path), **options)


def test_good_file_imports_every_field(tmp_path, capsys):
    run_import(tmp_path, line(), line(title="第二篇", source_url=..., tags=["活动报名"]))
    article = Article.objects.get(source_url="https://old.example.com/pdd/1.html")
    assert article.title == "拼多多新店如何报名活动"
    assert article.category.name == "拼多多" and article.category.slug == "pdd"
    assert sorted(article.tags.names()) == ["新店扶持", "活动报名"]
    assert article.views == 321 and article.summary == "报名前要准备什么"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.isoformat() == "2025-05-01T02:00:00+00:00"
    assert Article.objects.count() == 2
    assert "新增 2 篇" in capsys.readouterr().out


def test_reimport_updates_instead_of_copying_and_keeps_views_unless_given(tmp_path):
    run_import(tmp_path, line())
    article = Article.objects.get()
    article.views = 5000
    article.save()
    run_import(tmp_path, line(title="改过的标题", views=..., tags=["选品"]))
    article.refresh_from_db()
    assert Article.objects.count() == 1
    assert article.title == "改过的标题" and article.views == 5000
    assert list(article.tags.names()) == ["选品"]
    run_import(tmp_path, line(views=7))
    article.refresh_from_db()
    assert article.views == 7


def test_skip_existing_leaves_existing_articles_alone(tmp_path):
    run_import(tmp_path, line())
    Article.objects.update(views=9999)
    run_import(tmp_path, line(title="新标题"), skip_existing=True)
    article = Article.objects.get()
    assert article.title == "拼多多新店如何报名活动" and article.views == 9999


def test_existing_category_keeps_its_name(tmp_path):
    make_category(name="拼多多运营", slug="pdd")
    run_import(tmp_path, line(category_name="别的名字"))
    assert Category.objects.get(slug="pdd").name == "拼多多运营"


def test_bad_lines_are_reported_with_number_and_reason_good_lines_land(tmp_path, capsys):
    lines = [
        line(source_url="a"),
        "{not json",
        line(source_url="b", title=""),
        line(source_url="c", published_at="2025-05-01T10:00:00"),
        line(source_url="d", published_at="昨天"),
        line(source_url="e", category="admin", category_name="后台"),
        line(source_url="f", category="new", category_name=...),
        line(source_url="g", views=-3),
        line(source_url="h", status="deleted"),
        line(source_url="i", tags="选品"),
        "[1, 2]",
        line(source_url="j", body_html=...),
        line(source_url="k"),
    ]
    with pytest.raises(CommandError) as error:
        run_import(tmp_path, *lines)
    assert "新增 2 篇" in str(error.value) and "失败 11 行" in str(error.value)
    err = capsys.readouterr().err
    for number, reason in [
        (2, "不是有效的 JSON"),
        (3, "缺少字段 “title”"),
        (4, "缺少时区"),
        (5, "不是 ISO 8601 时间"),
        (6, "网站保留的地址"),
        (7, "需要提供 category_name"),
        (8, "“views” 应为非负整数"),
        (9, "status 只能是 published 或 draft"),
        (10, "“tags” 应为字符串列表"),
        (11, "每行应是一个 JSON 对象"),
        (12, "缺少字段 “body_html”"),
    ]:
        assert (
            f"第 {number} 行:" in err and reason in err.split(f"第 {number} 行:")[1].split("\n")[0]
        )
    assert sorted(Article.objects.values_list("source_url", flat=True)) == ["a", "k"]


def test_draft_status_and_sanitized_body(tmp_path):
    run_import(
        tmp_path, line(status="draft", body_html='<p onmouseover="x()">正文</p><script>1</script>')
    )
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.body == "<p>正文</p>"


def test_cover_image_is_stored_and_a_fake_image_is_refused(tmp_path, capsys):
    from PIL import Image

    Image.new("RGB", (64, 36), "orange").save(tmp_path / "cover.png")
    (tmp_path / "fake.jpg").write_bytes(b"MZ\x90\x00 this is an executable")
    with pytest.raises(CommandError):
        run_import(
            tmp_path,
            line(source_url="ok", cover_image="cover.png"),
            line(source_url="bad", cover_image="fake.jpg"),
            line(source_url="missing", cover_image="nope.png"),
        )
    article = Article.objects.get()
    assert article.cover.name.endswith(".png") and article.cover_width == 64
    err = capsys.readouterr().err
    assert "第 2 行:封面图 “fake.jpg” 不是有效的图片" in err
    assert "第 3 行:封面图 “nope.png” 不存在" in err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_articles", str(tmp_path / "none.jsonl"))


def test_progress_bar_on_large_files(tmp_path, capsys):
    lines = [line(source_url=f"s{n}", title=f"文章{n}") for n in range(250)]
    run_import(tmp_path, *lines)
    assert Article.objects.count() == 250
    assert "250/250" in capsys.readouterr().err


def test_the_demo_content_imports_cleanly():
    from django.conf import settings

    path = settings.BASE_DIR / "articles" / "demo" / "articles.jsonl"
    call_command("import_articles", str(path))
    published = Article.objects.published()
    assert published.count() >= 40
    assert Category.objects.count() >= 6
    assert published.exclude(cover="").count() >= 5
    for article in published:
        assert 2 <= article.tags.count() <= 5, article.title
        assert "<h2>一、" in article.body and "温馨提示" in article.body, article.title


def test_a_new_category_from_a_line_that_fails_is_not_used_by_the_next(tmp_path):
    """The category a failing line created is rolled back with it; the next
    line must create it again, not reuse the vanished row."""
    from unittest import mock

    from django.db import IntegrityError

    first = line(category="xinfenlei", category_name="新分类", source_url="https://old.example/1")
    second = line(category="xinfenlei", category_name="新分类", source_url="https://old.example/2")
    real_save = Article.save
    calls = []

    def save_failing_once(self, *args, **kwargs):
        calls.append(self.title)
        if len(calls) == 1:
            raise IntegrityError("the first line fails after its category was made")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Article, "save", save_failing_once), pytest.raises(CommandError):
        run_import(tmp_path, first, second)
    assert Article.objects.get().category.name == "新分类"
    assert Category.objects.filter(slug="xinfenlei").count() == 1


def test_an_import_bumps_the_content_version_once(tmp_path, django_capture_on_commit_callbacks):
    from articles.models import ContentVersion

    before = ContentVersion.objects.get().version
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *[line(source_url=f"https://old.example/{n}") for n in range(5)])
    assert Article.objects.count() == 5
    assert ContentVersion.objects.get().version == before + 1
