"""DedeCMS's naming rules worked out again (legacy/dedenames.py): pinyin
and {cc} rules, multi-page articles and a site in a sub-folder, checked
as the addresses a reader follows after the move."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from legacy import dedenames

from . import dede

pytestmark = pytest.mark.django_db

SITE = dedenames.Site()


def archive(**fields):
    return {"id": 97, "title": "淘宝开店SEO技巧", "senddate": dede.ts("2023-12-25T09:00:00"),
            "pubdate": 0, "filename": "", **fields}  # fmt: skip


def path(rule, site=SITE, **fields):
    return dedenames.article_path(archive(**fields), {"typedir": "/a/py", "namerule": rule}, site)


def test_pinyin_rules_spell_the_title_then_the_id():
    assert path("{typedir}/{pinyin}.html") == "/a/py/taobaokaidianSEOjiqiao_97.html"
    assert path("{typedir}/{py}.html") == "/a/py/tbkdSEOjq_97.html"
    # Punctuation and spaces become "_", as DedeCMS writes them.
    assert path("{typedir}/{py}.html", title="开店 3步!") == "/a/py/kd_3b__97.html"


def test_cc_turns_pairs_of_digits_that_are_letter_codes_into_letters():
    # month 12, day 25, id 97, year 2023: 12 25 97 2023, "97" is "a"
    assert dedenames.letters("1225972023") == "1225a2023"
    assert path("{typedir}/{Y}/{cc}.html") == "/a/py/2023/1225a2023.html"
    assert dedenames.letters("6566") == "AB"


def test_a_rule_is_read_in_lower_case_and_a_file_name_replaces_the_rules():
    assert path("{typedir}/{Y}{M}{D}/Arc{aid}.html") == "/a/py/20231225/arc97.html"
    assert path("{typedir}/{Y}{M}{D}/{aid}.html", filename="guide") == "/a/py/20231225/guide.html"
    assert path("{typedir}/{aid}/index.html") == "/a/py/97/"


def test_an_article_without_its_html_page_has_only_dynamic_addresses():
    assert path("{typedir}/{aid}.html", ismake=-1) is None
    assert path("{typedir}/{aid}.html", money=5) is None


def test_the_sites_sub_folder_comes_first():
    site = dedenames.Site.from_settings({"cfg_cmspath": "/cms/"})
    category = {"id": 4, "typedir": "{cmspath}/a/py", "namerule": "{typedir}/{aid}.html",
                "namerule2": "{typedir}/list_{tid}_{page}.html"}  # fmt: skip
    found = dedenames.article_addresses(archive(), category, site, pages=2)
    assert found == [
        ("/cms/a/py/97.html", ""),
        ("/cms/a/py/97_2.html", ""),
        ("/cms/plus/view.php", "aid=97"),
        ("/cms/plus/view-97-1.html", ""),
        ("/cms/plus/view-97-2.html", ""),
    ]
    assert ("/cms/a/py/list_4_1.html", "") in dedenames.category_addresses(category, 3, site)
    assert dedenames.tag_addresses("新店", site) == [("/cms/tags.php", "/新店/")]


def test_page_breaks_leave_one_body_with_the_page_titles_as_headings():
    body, pages = dedenames.split_pages("<p>一</p>#p#第二步#e#<p>二</p>#p#分页标题#e#<p>三</p>")
    assert pages == 3
    assert body == "<p>一</p><h2>第二步</h2><p>二</p><p>三</p>"


# -- a whole site in a sub-folder ----------------------------------------------


def build(prefix="nm_"):
    dede.create_tables(prefix, "gbk")
    with dede.connect() as db, db.cursor(dede._Cursor) as cursor:
        dede.insert(cursor, f"{prefix}sysconfig", [
            {"aid": 2, "varname": "cfg_cmspath", "value": "/cms"},
        ])  # fmt: skip
        dede.insert(cursor, f"{prefix}arctype", [
            {"id": 1, "reid": 0, "typename": "开店经验", "typedir": "{cmspath}/kaidian",
             "namerule": "{typedir}/{pinyin}.html", "namerule2": "{typedir}/list_{tid}_{page}.html"},
            {"id": 2, "reid": 0, "typename": "推广", "typedir": "{cmspath}/a/tuiguang",
             "namerule": "{typedir}/{Y}/{cc}.html", "namerule2": "{typedir}/list_{tid}_{page}.html"},
        ])  # fmt: skip
        when = dede.ts("2023-12-25T09:00:00")
        dede.insert(cursor, f"{prefix}archives", [
            {"id": 201, "typeid": 1, "arcrank": 0, "title": "淘宝开店SEO技巧",
             "pubdate": when, "senddate": when},
            {"id": 97, "typeid": 2, "arcrank": 0, "title": "直通车怎么开", "pubdate": when,
             "senddate": when},
        ])  # fmt: skip
        dede.insert(cursor, f"{prefix}addonarticle", [
            {"aid": 201, "typeid": 1,
             "body": "<p>先把标题写清楚。</p>#p#第二步:选词#e#<p>再看搜索词。</p>"
                     "#p#分页标题#e#<p>最后看数据。</p>"},
            {"aid": 97, "typeid": 2, "body": "<p>先小预算测试。</p>"},
        ])  # fmt: skip
        dede.insert(
            cursor, f"{prefix}taglist", [{"tid": 1, "aid": 201, "typeid": 1, "tag": "标题"}]
        )
    return dede.database_url()


@pytest.fixture
def moved(settings):
    url = build()
    out = io.StringIO()
    call_command("import_dedecms", "--database-url", url, "--table-prefix", "nm_", stdout=out)
    return out.getvalue()


def test_the_old_pages_of_a_site_in_a_sub_folder_answer_one_301(client, moved):
    article = Article.objects.get(source_url="dedecms:201")
    for old in [
        "/cms/kaidian/taobaokaidianSEOjiqiao_201.html",  # {pinyin}
        "/cms/kaidian/taobaokaidianSEOjiqiao_201_2.html",  # its second page
        "/cms/kaidian/taobaokaidianSEOjiqiao_201_3.html",
        "/cms/plus/view-201-2.html",
        "/cms/plus/view.php?aid=201&pageno=3",
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h2>第二步:选词</h2>" in page and "最后看数据。" in page and "#p#" not in page
    other = Article.objects.get(source_url="dedecms:97")
    assert client.get("/cms/a/tuiguang/2023/1225a2023.html")["Location"] == (
        other.get_absolute_url()
    )  # {cc}
    assert client.get("/cms/kaidian/")["Location"] == article.category.get_absolute_url()
    assert client.get("/cms/tags.php?/%E6%A0%87%E9%A2%98/")["Location"].startswith("/tags/")
    assert "子目录 /cms" in moved and "用标题拼音" in moved


def test_without_the_settings_table_the_site_is_at_the_root(client):
    url = build("nr_")
    with dede.connect() as db, db.cursor() as cursor:
        cursor.execute("DROP TABLE nr_sysconfig")
    call_command("import_dedecms", "--database-url", url, "--table-prefix", "nr_",
                 stdout=io.StringIO())  # fmt: skip
    article = Article.objects.get(source_url="dedecms:201")
    # {cmspath} in typedir is then empty, as DedeCMS installed at the root
    assert client.get("/kaidian/taobaokaidianSEOjiqiao_201.html")["Location"] == (
        article.get_absolute_url()
    )
