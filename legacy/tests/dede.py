"""A DedeCMS database in the MariaDB this machine runs, built from
DedeCMS's published schema (dedecms_schema.sql), stored as GBK, with
content written for these tests.

The database is DEDECMS_TEST_DATABASE (default `test_dedecms`, which .ci/run
creates) on DEDECMS_TEST_SERVER (default mysql://root@127.0.0.1:3306). When
MariaDB cannot be reached the tests fail: they are never skipped.
"""

import os
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pymysql

SCHEMA = Path(__file__).with_name("dedecms_schema.sql")
CST = ZoneInfo("Asia/Shanghai")


def server_url():
    return os.environ.get("DEDECMS_TEST_SERVER") or "mysql://root@127.0.0.1:3306"


def database_name():
    return os.environ.get("DEDECMS_TEST_DATABASE") or "test_dedecms"


def database_url():
    return server_url().rstrip("/") + "/" + database_name()


def connect(*, charset="utf8mb4", database=True):
    parts = urlsplit(server_url())
    return pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=database_name() if database else None,
        charset=charset,
        autocommit=True,
        connect_timeout=5,
    )


def ts(text):
    """A DedeCMS time column: Unix seconds of a China time."""
    return int(datetime.fromisoformat(text).replace(tzinfo=CST).timestamp())


def create_tables(prefix, charset):
    with connect(database=False) as server, server.cursor() as cursor:
        cursor.execute(
            f"CREATE DATABASE IF NOT EXISTS `{database_name()}` DEFAULT CHARACTER SET gbk"
        )
    text = SCHEMA.read_text(encoding="utf-8").replace("#@__", prefix)
    statements = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    with connect() as db, db.cursor() as cursor:
        for table in ("arctype", "archives", "addonarticle", "taglist", "feedback", "sysconfig"):
            cursor.execute(f"DROP TABLE IF EXISTS `{prefix}{table}`")
        for statement in statements.split(";"):
            body = statement.strip()
            if body:
                cursor.execute(f"{body} DEFAULT CHARSET={charset}")


def insert(cursor, table, rows):
    for row in rows:
        names = ", ".join(f"`{name}`" for name in row)
        marks = ", ".join(["%s"] * len(row))
        values = [cursor.gbk_in_latin1(v) for v in row.values()]
        cursor.execute(f"INSERT INTO `{table}` ({names}) VALUES ({marks})", values)


class _Cursor(pymysql.cursors.Cursor):
    """Writes text as it is, or (latin1 tables written by an old GBK site
    through a latin1 connection) as GBK bytes the server takes for latin1."""

    mojibake = False

    def gbk_in_latin1(self, value):
        if self.mojibake and isinstance(value, str):
            return value.encode("gbk").decode("latin-1")
        return value


BODY_101 = (
    "<p>新店开张的第一个月,最要紧的是把基础打牢。</p>"
    "<h2>一、先把主图做好</h2>"
    '<p><img src="/uploads/allimg/230105/1-2301051030.png" alt="主图示例" /></p>'
    '<p><img src="/uploads/allimg/230105/gone.jpg" alt="丢失的图" /></p>'
    '<p>推广的事可以看<a href="/a/taobao/ztc/2023/0210/102.html">直通车出价</a>这篇。</p>'
    '<p class="tip">温馨提示:前两周别急着开直通车。</p>'
    "<script>alert('old')</script>"
)
BODY_102 = (
    "<p>出价不是越高越好,先看转化率。</p>"
    '<p>新店的朋友先读<a href="http://www.oldshop.example/plus/view.php?aid=101">首月运营</a>。</p>'
)


def fill(prefix="dede_", *, mojibake=False):
    """The old site: three categories (one nested), six archives (one in
    review, one in the recycle bin, one in a missing category), tags,
    comments."""
    with connect(charset="latin1" if mojibake else "utf8mb4") as db, db.cursor(_Cursor) as cursor:
        cursor.mojibake = mojibake
        insert(cursor, f"{prefix}arctype", [
            {"id": 1, "reid": 0, "typename": "淘宝运营", "typedir": "{cmspath}/a/taobao",
             "namerule": "{typedir}/{Y}{M}{D}/{aid}.html",
             "namerule2": "{typedir}/list_{tid}_{page}.html", "description": "淘宝开店运营经验"},
            {"id": 2, "reid": 1, "topid": 1, "typename": "直通车", "typedir": "{cmspath}/a/taobao/ztc",
             "namerule": "{typedir}/{Y}/{M}{D}/{aid}.html",
             "namerule2": "{typedir}/list_{tid}_{page}.html"},
            {"id": 3, "reid": 0, "typename": "拼多多", "typedir": "/pdd",
             "namerule": "{typedir}/{aid}.html", "namerule2": "{typedir}/list_{tid}_{page}.html"},
        ])  # fmt: skip
        insert(cursor, f"{prefix}archives", [
            {"id": 101, "typeid": 1, "flag": "c,h", "arcrank": 0, "click": 1234,
             "title": "新店如何做好首月运营", "litpic": "/uploads/allimg/230105/cover101.jpg",
             "pubdate": ts("2023-01-05T10:30:00"), "senddate": ts("2023-01-05T10:30:00"),
             "keywords": "新店,首月运营", "description": "新店第一个月该做的几件事。"},
            {"id": 102, "typeid": 2, "flag": None, "arcrank": 0, "click": 88,
             "title": "直通车出价的三个误区", "pubdate": ts("2023-02-10T08:00:00"),
             "senddate": ts("2023-02-10T08:00:00")},
            {"id": 103, "typeid": 1, "arcrank": -1, "click": 0, "title": "等待审核的文章",
             "pubdate": ts("2023-03-01T09:00:00"), "senddate": ts("2023-03-01T09:00:00")},
            {"id": 104, "typeid": 1, "arcrank": -2, "click": 5, "title": "回收站里的文章",
             "pubdate": ts("2023-03-02T09:00:00"), "senddate": ts("2023-03-02T09:00:00")},
            {"id": 105, "typeid": 3, "arcrank": 0, "click": 7, "title": "拼多多双十一报名指南",
             "pubdate": ts("2023-10-20T20:15:00"), "senddate": ts("2023-10-20T20:15:00"),
             "filename": "shuang11-guide"},
            {"id": 107, "typeid": 3, "arcrank": 0, "click": 3, "title": "拼多多评价怎么做",
             "pubdate": ts("2023-11-02T08:00:00"), "senddate": ts("2023-11-02T08:00:00")},
            {"id": 106, "typeid": 99, "arcrank": 0, "click": 1, "title": "栏目已删除的文章",
             "pubdate": ts("2023-04-01T09:00:00"), "senddate": ts("2023-04-01T09:00:00")},
        ])  # fmt: skip
        insert(cursor, f"{prefix}addonarticle", [
            {"aid": 101, "typeid": 1, "body": BODY_101},
            {"aid": 102, "typeid": 2, "body": BODY_102},
            {"aid": 103, "typeid": 1, "body": "<p>这篇还在等编辑审核。</p>"},
            {"aid": 104, "typeid": 1, "body": "<p>这篇已经被删进回收站。</p>"},
            {"aid": 105, "typeid": 3, "body": "<p>活动报名入口在商家后台的营销中心。</p>"},
            {"aid": 106, "typeid": 99, "body": "<p>它的栏目已经不在了。</p>"},
            {"aid": 107, "typeid": 3, "body": "<p>评价要真实,晒图比文字更有用。</p>"},
        ])  # fmt: skip
        insert(cursor, f"{prefix}taglist", [
            {"tid": 1, "aid": 101, "typeid": 1, "tag": "新店"},
            {"tid": 2, "aid": 101, "typeid": 1, "tag": "运营"},
            {"tid": 2, "aid": 102, "typeid": 2, "tag": "运营"},
            {"tid": 3, "aid": 102, "typeid": 2, "tag": "直通车"},
        ])  # fmt: skip
        insert(cursor, f"{prefix}feedback", [
            {"id": 1, "aid": 101, "typeid": 1, "username": "老王", "ip": "10.1.2.3", "ischeck": 1,
             "dtime": ts("2023-01-06T12:00:00"), "msg": "写得很实在,照着做了第一周。"},
            {"id": 2, "aid": 101, "typeid": 1, "username": "小李", "ip": "10.1.2.4", "ischeck": 0,
             "dtime": ts("2023-01-07T12:00:00"), "msg": "加我微信领资料"},
            {"id": 3, "aid": 101, "typeid": 1, "username": "路人", "ip": "", "ischeck": 1,
             "dtime": ts("2023-01-08T12:00:00"), "msg": "<script>alert(1)</script>收藏了"},
        ])  # fmt: skip


def build(prefix="dede_", charset="gbk"):
    create_tables(prefix, charset)
    fill(prefix, mojibake=charset == "latin1")
