"""Reading a DedeCMS 5.7 / 5.8 database (the addresses DedeCMS gave its
pages: legacy/dedenames.py).

The tables and columns are those of DedeCMS's own install/sql-dftables.txt
(`dede_arctype`, `dede_archives`, `dede_addonarticle`, `dede_taglist`,
`dede_feedback`, and `dede_sysconfig` when it is there); only columns every 5.x release has are read. Text is
read as UTF-8 whatever the tables are stored as: the server converts GBK
(or UTF-8) tables itself; tables declared latin1 that hold GBK bytes (a
common result of old dumps) are read as bytes and decoded as GB18030.

PyMySQL is the driver: pure Python, maintained, installed from PyPI with
nothing to compile (mysqlclient needs the MySQL headers and a compiler on
every machine that runs the import or the tests).
"""

from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

# DedeCMS writes dates in paths in its configured zone; Chinese sites keep
# the default (cfg_cli_time = 8).
DEDE_ZONE = ZoneInfo("Asia/Shanghai")

TABLES = ("arctype", "archives", "addonarticle", "taglist", "feedback")
COLUMNS = {
    "arctype": (
        "id", "reid", "sortrank", "typename", "typedir", "defaultname", "ispart",
        "namerule", "namerule2", "description",
    ),
    "archives": (
        "id", "typeid", "flag", "channel", "arcrank", "click", "title", "litpic",
        "pubdate", "senddate", "keywords", "description", "filename", "ismake", "money",
    ),
    "addonarticle": ("aid", "body"),
    "taglist": ("aid", "tag"),
    "feedback": ("id", "aid", "username", "ip", "ischeck", "dtime", "msg"),
    "sysconfig": ("varname", "value"),
}  # fmt: skip
TEXT_COLUMNS = {
    "typename", "typedir", "defaultname", "namerule", "namerule2", "description", "flag",
    "title", "litpic", "keywords", "filename", "body", "tag", "username", "ip", "msg",
    "varname", "value",
}  # fmt: skip


class DedeError(Exception):
    """The database cannot be read as a DedeCMS one; the message says why."""


def connect(url):
    """A PyMySQL connection from mysql://USER:PASS@HOST:PORT/DB."""
    import pymysql

    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
        raise DedeError(f"数据库地址应形如 mysql://用户:密码@主机:端口/数据库名,而不是 “{url}”")
    try:
        return pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.strip("/")),
            charset="utf8mb4",
            connect_timeout=10,
        )
    except pymysql.MySQLError as error:
        raise DedeError(f"无法连接数据库 {parts.hostname}:{parts.port or 3306}:{error}") from None


class DedeDatabase:
    def __init__(self, connection, prefix="dede_"):
        self.connection = connection
        self.prefix = prefix
        self.latin1 = set()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE()"
            )
            found = {name: collation or "" for name, collation in cursor.fetchall()}
        missing = [prefix + t for t in TABLES if prefix + t not in found]
        if missing:
            raise DedeError(
                "数据库里没有织梦的表 " + "、".join(missing) + "(表前缀不对?用 --table-prefix 指定)"
            )
        self.has_settings = prefix + "sysconfig" in found  # a dump may leave it out
        self.latin1 = {
            t for t in (*TABLES, "sysconfig") if found.get(prefix + t, "").startswith("latin1")
        }

    def settings(self):
        """The site's settings (dede_sysconfig: cfg_cmspath ...), {} without
        the table."""
        if not self.has_settings:
            return {}
        return {row["varname"]: row["value"] for row in self._select("sysconfig")}

    def _select(self, table, where="", params=(), order=""):
        columns = []
        for column in COLUMNS[table]:
            if table in self.latin1 and column in TEXT_COLUMNS:
                columns.append(f"BINARY `{column}` AS `{column}`")
            else:
                columns.append(f"`{column}`")
        sql = f"SELECT {', '.join(columns)} FROM `{self.prefix}{table}`"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = COLUMNS[table]
            for values in cursor.fetchall():
                yield {name: self._text(table, name, value) for name, value in zip(names, values)}

    def _text(self, table, column, value):
        if isinstance(value, bytes) and column in TEXT_COLUMNS:
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return value.decode("gb18030", errors="replace")
        if value is None and column in TEXT_COLUMNS:
            return ""
        return value

    def categories(self):
        return list(self._select("arctype", order="id"))

    def article_counts(self):
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT typeid, COUNT(*) FROM `{self.prefix}archives`"
                " WHERE arcrank > -2 GROUP BY typeid"
            )
            return dict(cursor.fetchall())

    def archive_count(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM `{self.prefix}archives`")
            return cursor.fetchone()[0]

    def archives(self, batch=500):
        """Batches of archives (with body, tags and comments), by id, so
        memory stays flat whatever the database's size."""
        last = -1
        while True:
            rows = list(self._select("archives", "id > %s", (last,), order=f"id LIMIT {batch}"))
            if not rows:
                return
            last = rows[-1]["id"]
            ids = [row["id"] for row in rows]
            marks = ", ".join(["%s"] * len(ids))
            bodies = {
                r["aid"]: r["body"] for r in self._select("addonarticle", f"aid IN ({marks})", ids)
            }
            tags, comments = {}, {}
            for r in self._select("taglist", f"aid IN ({marks})", ids, order="aid, tid"):
                tags.setdefault(r["aid"], []).append(r["tag"])
            for r in self._select("feedback", f"aid IN ({marks})", ids, order="id"):
                comments.setdefault(r["aid"], []).append(r)
            for row in rows:
                row["body"] = bodies.get(row["id"])
                row["tags"] = tags.get(row["id"], [])
                row["comments"] = comments.get(row["id"], [])
            yield rows


# -- times ----------------------------------------------------------------------


def moment(timestamp):
    return datetime.fromtimestamp(int(timestamp), tz=UTC)
