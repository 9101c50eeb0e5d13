"""`{pinyin}` / `{py}` addresses spelt with the old site's own table
(legacy/dedepinyin.py), checked as the old address a reader follows."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from legacy import dedenames, dedepinyin

from . import dede

pytestmark = pytest.mark.django_db

TITLE = "长沙开店 3步"
# 长 is read "chang" in this table, pypinyin's usual reading is "zhang";
# 步 is not in it.
ROWS = [("长", "chang"), ("沙", "sha"), ("开", "kai"), ("店", "dian")]


@pytest.fixture
def www(tmp_path):
    folder = tmp_path / "www" / "include" / "data"
    folder.mkdir(parents=True)
    lines = [f"{char}`{sound}".encode("gbk") for char, sound in ROWS]
    (folder / "pinyin.dat").write_bytes(b"\r\n".join(lines))
    return tmp_path / "www"


def spell(title, www, **options):
    return dedepinyin.pinyin_name(title, table=dedepinyin.site_table(www), **options)


def test_the_old_sites_table_spells_the_title_as_dedecms_did(www):
    assert dedepinyin.pinyin_name(TITLE).startswith("zhang")  # pypinyin reads it otherwise
    # A character the table lacks is "_", as a space is; digits stay.
    assert spell(TITLE, www) == "changshakaidian_3_"
    assert spell(TITLE, www, initials=True) == "cskd_3_"
    # A title of one byte is kept whole; a character GBK lacks is dropped.
    assert spell("A", www) == "A"
    assert spell("开😀店!", www) == "kaidian_"


def test_without_the_table_the_usual_sound_stands_in(tmp_path):
    assert dedepinyin.site_table(tmp_path) is None
    assert dedepinyin.site_table(None) is None
    site = dedenames.Site(pinyin=None)
    archive = {"id": 5, "title": "开店", "senddate": dede.ts("2023-12-25T09:00:00"),
               "pubdate": 0, "filename": ""}  # fmt: skip
    category = {"typedir": "/a", "namerule": "{typedir}/{pinyin}.html"}
    assert dedenames.article_path(archive, category, site) == "/a/kaidian_5.html"


def build(prefix="pt_"):
    dede.create_tables(prefix, "gbk")
    when = dede.ts("2023-12-25T09:00:00")
    with dede.connect() as db, db.cursor(dede._Cursor) as cursor:
        dede.insert(cursor, f"{prefix}arctype", [
            {"id": 1, "reid": 0, "typename": "开店", "typedir": "/kaidian",
             "namerule": "{typedir}/{pinyin}.html", "namerule2": "{typedir}/list_{tid}_{page}.html"},
            {"id": 2, "reid": 0, "typename": "推广", "typedir": "/tuiguang",
             "namerule": "{typedir}/{py}.html", "namerule2": "{typedir}/list_{tid}_{page}.html"},
        ])  # fmt: skip
        dede.insert(cursor, f"{prefix}archives", [
            {"id": 201, "typeid": 1, "arcrank": 0, "title": TITLE, "pubdate": when,
             "senddate": when},
            {"id": 202, "typeid": 2, "arcrank": 0, "title": TITLE, "pubdate": when,
             "senddate": when},
        ])  # fmt: skip
        dede.insert(cursor, f"{prefix}addonarticle", [
            {"aid": 201, "typeid": 1, "body": "<p>先选好货源。</p>"},
            {"aid": 202, "typeid": 2, "body": "<p>再开直通车。</p>"},
        ])  # fmt: skip
    return dede.database_url()


def run_import(site_root):
    out = io.StringIO()
    call_command("import_dedecms", "--database-url", build(), "--table-prefix", "pt_",
                 "--site-root", str(site_root), stdout=out)  # fmt: skip
    return out.getvalue()


def test_the_old_pinyin_addresses_answer_one_301_after_an_import(client, www):
    report = run_import(www)
    first = Article.objects.get(source_url="dedecms:201").get_absolute_url()
    second = Article.objects.get(source_url="dedecms:202").get_absolute_url()
    for old, new in [
        ("/kaidian/changshakaidian_3__201.html", first),  # {pinyin}
        ("/tuiguang/cskd_3__202.html", second),  # {py}
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    assert client.get("/kaidian/zhangshakaidian_3bu_201.html").status_code == 404
    assert "按旧站的 include/data/pinyin.dat 拼写" in report


def test_a_site_root_without_the_table_falls_back_and_says_so(client, tmp_path):
    (tmp_path / "www").mkdir()
    report = run_import(tmp_path / "www")
    article = Article.objects.get(source_url="dedecms:201")
    response = client.get("/kaidian/zhangshakaidian_3bu_201.html")
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())
    assert "含多音字的标题可能与旧站不同" in report


def test_a_table_that_cannot_be_read_stops_before_anything_is_written(www, monkeypatch):
    def refused(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dedepinyin, "read_table", refused)
    with pytest.raises(CommandError, match=r"读不了旧站的拼音表 .*pinyin\.dat"):
        call_command("import_dedecms", "--database-url", build(), "--table-prefix", "pt_",
                     "--site-root", str(www), stdout=io.StringIO())  # fmt: skip
    assert not Article.objects.exists()
