import io
import json
import re

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


def reported(err):
    """{line number: reason} of the lines the command reported as failed."""
    return {int(n): reason for n, reason in re.findall(r"^第 (\d+) 行:(.*)$", err, re.M)}


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
    assert capsys.readouterr().out == "新增 2 篇,更新 0 篇,跳过 0 篇,失败 0 行。\n"


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
    reasons = reported(capsys.readouterr().err)
    assert reasons.pop(2).startswith("不是有效的 JSON(")
    category = reasons.pop(6)
    assert category.startswith("无法创建分类 “admin”:") and "网站保留的地址" in category
    assert reasons == {
        3: "缺少字段 “title”",
        4: "published_at “2025-05-01T10:00:00” 缺少时区,例如 +08:00",
        5: "published_at “昨天” 不是 ISO 8601 时间",
        7: "分类 “new” 不存在,需要提供 category_name 才能创建",
        8: "字段 “views” 应为非负整数",
        9: "status 只能是 published 或 draft,而不是 “deleted”",
        10: "字段 “tags” 应为字符串列表",
        11: "每行应是一个 JSON 对象",
        12: "缺少字段 “body_html”",
    }
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


def test_a_line_failing_in_the_database_is_named_and_the_others_of_its_chunk_land(tmp_path, capsys):
    """Lines are written a chunk at a time: when the database refuses the
    chunk, its lines are written again one by one, so the failing line is
    reported with its number and the others (and the category the first
    one made) are all there."""
    from unittest import mock

    from django.db import IntegrityError

    lines = [
        line(category="xinfenlei", category_name="新分类", title=f"第{n}篇",
             source_url=f"https://old.example/{n}")
        for n in range(1, 5)
    ]  # fmt: skip
    real_prepare = Article.prepare

    def prepare_refusing_the_second(self):
        if self.title == "第2篇":
            raise IntegrityError("refused")
        return real_prepare(self)

    summary = "新增 3 篇,更新 0 篇,跳过 0 篇,失败 1 行"
    with (
        mock.patch.object(Article, "prepare", prepare_refusing_the_second),
        pytest.raises(CommandError, match=summary),
    ):
        run_import(tmp_path, *lines)
    assert reported(capsys.readouterr().err) == {2: "数据有误:refused"}
    assert sorted(Article.objects.values_list("title", flat=True)) == ["第1篇", "第3篇", "第4篇"]
    assert {a.category.name for a in Article.objects.all()} == {"新分类"}
    assert Category.objects.filter(slug="xinfenlei").count() == 1


def test_an_import_bumps_the_content_version_once(tmp_path, django_capture_on_commit_callbacks):
    from articles.models import ContentVersion

    before = ContentVersion.objects.get().version
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *[line(source_url=f"https://old.example/{n}") for n in range(5)])
    assert Article.objects.count() == 5
    assert ContentVersion.objects.get().version == before + 1


def test_reimport_and_skip_are_counted_in_the_summary(tmp_path, capsys):
    run_import(tmp_path, line())
    capsys.readouterr()
    run_import(tmp_path, line(title="改过的标题"), line(source_url="https://old.example.com/2"))
    assert capsys.readouterr().out == "新增 1 篇,更新 1 篇,跳过 0 篇,失败 0 行。\n"
    # as `make run` calls it, with the option as written on the command line
    path = tmp_path / "again.jsonl"
    path.write_text(line(title="不会用到") + "\n" + line(source_url="new") + "\n", encoding="utf-8")
    call_command("import_articles", str(path), "--skip-existing")
    assert capsys.readouterr().out == "新增 1 篇,更新 0 篇,跳过 1 篇,失败 0 行。\n"
    assert (
        Article.objects.get(source_url="https://old.example.com/pdd/1.html").title == "改过的标题"
    )


def test_optional_fields_may_be_left_out_and_text_is_trimmed(tmp_path):
    run_import(
        tmp_path,
        line(
            title="  前后有空格的标题 ",
            tags=...,
            views=...,
            summary="   ",
            source_url=...,
            status=None,
            category_name=" 拼多多 ",
        ),
    )
    article = Article.objects.get()
    assert article.title == "前后有空格的标题" and article.category.name == "拼多多"
    assert list(article.tags.names()) == [] and article.views == 0
    assert article.summary == "" and article.source_url == "" and not article.cover
    assert article.status == Article.Status.PUBLISHED


def test_tags_are_trimmed_deduplicated_and_empty_ones_skipped(tmp_path):
    run_import(tmp_path, line(tags=["", "选品", "  ", " 活动 ", "选品", "长" * 50]))
    assert sorted(Article.objects.get().tags.names()) == sorted(["活动", "选品", "长" * 50])


@pytest.mark.parametrize("views", [0, 12])
def test_any_whole_number_of_views_is_taken(tmp_path, views):
    run_import(tmp_path, line(views=views))
    assert Article.objects.get().views == views


def test_limits_are_inclusive(tmp_path):
    """The longest title, slug, category name and source address still land."""
    run_import(
        tmp_path,
        line(title="标" * 200, category="c" * 30, category_name="名" * 30, source_url="u" * 500),
    )
    article = Article.objects.get()
    assert len(article.title) == 200 and len(article.source_url) == 500
    assert article.category.slug == "c" * 30 and article.category.name == "名" * 30


def test_each_field_error_is_reported_in_words(tmp_path, capsys):
    lines = [
        line(source_url="1", title=123),
        line(source_url="2", title="   "),
        line(source_url="3", title="标" * 201),
        line(source_url="4", category=...),
        line(source_url="5", category="c" * 31),
        line(source_url="6", category="fresh", category_name="名" * 31),
        line(source_url="u" * 501),
        line(source_url="8", published_at=...),
        line(source_url="9", tags=["长" * 51]),
        line(source_url="10", views=True),
        line(source_url="11", views="5"),
        # half an emoji (a lone surrogate), as a broken exporter writes it
        line(source_url="12", title="HALF").replace("HALF", "半个表情\\ud83d"),
    ]
    with pytest.raises(CommandError, match="新增 0 篇,更新 0 篇,跳过 0 篇,失败 12 行。"):
        run_import(tmp_path, *lines)
    reasons = reported(capsys.readouterr().err)
    # a string the database cannot store: its own words, the line number is ours
    assert reasons.pop(12).startswith("数据有误:")
    assert reasons == {
        1: "字段 “title” 应为字符串",
        2: "字段 “title” 不能为空",
        3: "字段 “title” 超过 200 个字符",
        4: "缺少字段 “category”",
        5: "字段 “category” 超过 30 个字符",
        6: "字段 “category_name” 超过 30 个字符",
        7: "字段 “source_url” 超过 500 个字符",
        8: "缺少字段 “published_at”",
        9: f"标签 “{'长' * 20}…” 超过 50 个字符",
        10: "字段 “views” 应为非负整数",
        11: "字段 “views” 应为非负整数",
    }
    assert not Article.objects.exists() and not Category.objects.filter(slug="fresh").exists()


def test_a_byte_order_mark_blank_lines_and_a_line_in_another_encoding(tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"  # as Windows editors save UTF-8
        + line(source_url="first").encode()
        + b"\n\n   \n"
        + line(source_url="gbk", title="GBK 编码的标题").encode("gbk")
        + b"\n"
        + line(source_url="last").encode()
        + b"\n"
    )
    with pytest.raises(CommandError, match="新增 2 篇,更新 0 篇,跳过 0 篇,失败 1 行。"):
        call_command("import_articles", str(path))
    assert reported(capsys.readouterr().err) == {4: "不是 UTF-8 编码"}
    assert sorted(Article.objects.values_list("source_url", flat=True)) == ["first", "last"]


def test_the_cover_is_stored_with_the_other_covers(tmp_path):
    from PIL import Image

    Image.new("RGB", (64, 36), "orange").save(tmp_path / "cover.png")
    run_import(tmp_path, line(cover_image="cover.png"))
    assert Article.objects.get().cover.name.startswith("covers/")


@pytest.mark.parametrize(("count", "bar"), [(199, False), (200, True)])
def test_the_progress_bar_starts_at_200_lines_on_the_commands_stderr(tmp_path, capsys, count, bar):
    path = tmp_path / "articles.jsonl"
    path.write_text(line() + "\n" * count, encoding="utf-8")  # blank lines count too
    stderr = io.StringIO()
    call_command("import_articles", str(path), stderr=stderr)
    assert Article.objects.count() == 1
    if bar:
        assert re.search(rf"导入: 100%.* {count}/{count} .*行/s", stderr.getvalue())
    else:
        assert stderr.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_values_the_database_cannot_hold_are_reported_per_line(tmp_path):
    """A read count past the column's range, or a time before year 1 in UTC,
    is that line's error; the lines after it still import."""
    lines = [
        line(views=2**63, source_url="https://old.example/big"),
        line(published_at="0001-01-01T00:00:00+08:00", source_url="https://old.example/old"),
        line(source_url="https://old.example/ok"),
    ]
    with pytest.raises(CommandError) as failed:
        run_import(tmp_path, *lines)
    assert "失败 2 行" in str(failed.value)
    assert list(Article.objects.values_list("source_url", flat=True)) == ["https://old.example/ok"]


def test_a_new_slug_with_an_existing_name_goes_into_that_category(tmp_path, capsys):
    existing = make_category(name="拼多多", slug="pinduoduo")
    run_import(tmp_path, line(), line(title="第二篇", source_url=...))
    assert Category.objects.count() == 1
    assert set(Article.objects.values_list("category", flat=True)) == {existing.pk}
    out = capsys.readouterr().out
    assert "第 1 行:分类 “pdd” 的名称“拼多多”已有分类 /pinduoduo/ 使用,文章放进了该分类" in out
    assert "新增 2 篇" in out


def test_category_map_sends_an_old_slug_to_an_existing_category(tmp_path, capsys):
    target = make_category(name="拼多多运营", slug="pdd-yunying")
    run_import(tmp_path, line(category_name=...), category_map=["pdd=pdd-yunying"])
    assert Article.objects.get().category == target
    assert not Category.objects.filter(slug="pdd").exists()
    for bad, message in [
        ("pdd", "应写成 旧别名=新别名"),
        ("pdd=nowhere", "本站没有别名为 “nowhere” 的分类"),
    ]:
        with pytest.raises(CommandError, match=message):
            run_import(tmp_path, line(), category_map=[bad])


def test_the_queries_of_an_import_do_not_grow_with_its_lines(tmp_path):
    """Categories are read once per run, not once per line: ten lines of
    one category cost the queries of two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_category(name="拼多多", slug="pdd")

    def queries(count, run):
        lines = [line(title=f"{run}{n}", source_url=f"https://old.example/{run}/{n}",
                      tags=["活动报名"]) for n in range(count)]  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            run_import(tmp_path, *lines)
        return len(captured.captured_queries)

    queries(1, "warm")  # what a process reads once (the tag, content types)
    assert queries(10, "many") == queries(2, "few")


def test_the_largest_read_count_is_taken_and_one_more_is_refused_in_words(tmp_path, capsys):
    from articles.management.commands.import_articles import MAX_VIEWS

    with pytest.raises(CommandError, match="失败 1 行"):
        run_import(
            tmp_path,
            line(views=MAX_VIEWS, source_url="https://old.example/max"),
            line(views=MAX_VIEWS + 1, source_url="https://old.example/over"),
        )
    assert Article.objects.get().views == MAX_VIEWS
    assert reported(capsys.readouterr().err) == {2: f"字段 “views” 不能超过 {MAX_VIEWS}"}


def test_a_time_out_of_the_storable_range_is_refused_in_words(tmp_path, capsys):
    with pytest.raises(CommandError, match="失败 1 行"):
        run_import(tmp_path, line(published_at="0001-01-01T00:00:00+08:00"))
    assert reported(capsys.readouterr().err) == {
        1: "published_at “0001-01-01T00:00:00+08:00” 超出可保存的时间范围"
    }


@pytest.mark.parametrize("bad", ["=pdd-yunying", "pdd=", " = ", "pdd"])
def test_a_category_map_without_both_slugs_is_refused(tmp_path, bad):
    make_category(name="拼多多运营", slug="pdd-yunying")
    with pytest.raises(CommandError, match=f"应写成 旧别名=新别名,而不是 “{re.escape(bad)}”"):
        run_import(tmp_path, line(), category_map=[bad])
    assert not Article.objects.exists()


@pytest.mark.parametrize(("created", "analysed"), [(2, True), (1, False)])
def test_the_planner_statistics_are_updated_from_the_threshold_on(
    tmp_path, monkeypatch, created, analysed
):
    from articles.management.commands import import_articles

    calls = []
    monkeypatch.setattr(import_articles, "STATISTICS_FROM_ARTICLES", 2)
    monkeypatch.setattr(import_articles, "update_statistics", lambda: calls.append(1))
    lines = [
        line(title=f"第{n}篇", source_url=f"https://old.example/s/{n}") for n in range(created)
    ]
    run_import(tmp_path, *lines)
    assert bool(calls) is analysed


def test_the_help_says_what_each_option_does():
    from articles.management.commands.import_articles import Command

    text = Command().create_parser("manage.py", "import_articles").format_help()
    assert "跳过 source_url 已存在的文章(不覆盖已有内容和阅读量)。" in text
    assert "--category-map OLD=NEW" in text
    assert "把文件里的分类别名 OLD 换成本站已有的 NEW,可写多次。" in text


def test_a_category_map_with_two_equals_signs_is_refused(tmp_path):
    make_category(name="拼多多运营", slug="pdd-yunying")
    with pytest.raises(CommandError, match="本站没有别名为 “x=pdd-yunying” 的分类"):
        run_import(tmp_path, line(), category_map=["pdd=x=pdd-yunying"])


def test_several_category_maps_are_all_applied(tmp_path):
    first = make_category(name="拼多多运营", slug="pdd-yunying")
    second = make_category(name="淘宝运营", slug="taobao")
    run_import(
        tmp_path,
        line(category_name=...),
        line(category="tb", category_name=..., source_url="https://old.example/tb"),
        category_map=["pdd=pdd-yunying", "tb=taobao"],
    )
    assert {a.category for a in Article.objects.all()} == {first, second}


def test_an_unexpected_validation_error_of_a_line_is_reported_for_that_line(
    tmp_path, capsys, monkeypatch
):
    from django.core.exceptions import ValidationError

    from articles.management.commands import import_articles

    real = import_articles.prepare_article

    def refusing_the_second(record, **kwargs):
        if record.get("title") == "第2篇":
            raise ValidationError("不可用的值")
        return real(record, **kwargs)

    monkeypatch.setattr(import_articles, "prepare_article", refusing_the_second)
    lines = [line(title=f"第{n}篇", source_url=f"https://old.example/v/{n}") for n in (1, 2, 3)]
    with pytest.raises(CommandError, match="失败 1 行"):
        run_import(tmp_path, *lines)
    assert reported(capsys.readouterr().err) == {2: "数据有误:['不可用的值']"}
    assert Article.objects.count() == 2


def test_the_command_line_takes_several_category_maps():
    from articles.management.commands.import_articles import Command

    parser = Command().create_parser("manage.py", "import_articles")
    options = parser.parse_args(
        ["a.jsonl", "--category-map", "pdd=pdd-yunying", "--category-map", "tb=taobao"]
    )
    assert options.category_map == ["pdd=pdd-yunying", "tb=taobao"]
    assert parser.parse_args(["a.jsonl"]).category_map == []


def test_a_new_slug_sent_to_an_existing_category_is_noted_once(tmp_path, capsys):
    make_category(name="拼多多", slug="pinduoduo")
    run_import(
        tmp_path,
        line(),
        line(title="第二篇", source_url="https://old.example/2"),
        line(title="第三篇", source_url="https://old.example/3"),
    )
    out = capsys.readouterr().out
    assert out.count("已有分类 /pinduoduo/ 使用") == 1
    assert "新增 3 篇" in out
