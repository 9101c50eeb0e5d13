"""make bench-import: the two importers at real size.

Generates a DedeCMS database of --articles archives in the MariaDB on
127.0.0.1:3306 (database IMPORT_BENCH_MYSQL_DB, default `importbench`,
tables from legacy/tests/dedecms_schema.sql, stored as GBK, with tags and
comments) and a WordPress export of as many posts, then imports each into a
fresh SQLite file and a fresh PostgreSQL database (IMPORT_BENCH_PG_DB,
default `importbench`, on BENCH_PG, created and dropped here). Each import
runs as its own process: wall time, articles per second and its peak RSS
(from wait4). Every run is bounded by --budget seconds.

    python bench/import_bench.py [--articles 20000] [--databases sqlite,postgres]
        [--sources dedecms,wordpress] [--budget 900]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("IMPORT_BENCH_PG_DB", "importbench")
MYSQL_DB = os.environ.get("IMPORT_BENCH_MYSQL_DB", "importbench")
TARGET_PER_SECOND = 300  # into PostgreSQL (issue 10)

# Original text for the generated articles (written for this benchmark).
TOPICS = ["主图", "标题", "详情页", "直通车", "客服", "退款", "评价", "活动报名", "定价", "发货"]
PLATFORMS = ["淘宝", "天猫", "京东", "拼多多", "抖音小店", "亚马逊"]
SENTENCES = [
    "{p}的新店做{t}时,先把基础数据看清楚再动手。",
    "很多卖家在{t}上花了钱却没有效果,问题往往出在第一步。",
    "{t}不是一次做完的事,每周复盘一次比一次改很多更稳。",
    "同样是{p},不同类目的{t}打法差别很大。",
    "先用小预算测试,数据好了再加,{t}就不容易亏。",
    "温馨提示:{t}相关的规则每年都会调整,以平台公告为准。",
]
CATEGORIES = [
    ("淘宝运营", "taobao"), ("天猫商城", "tmall"), ("京东", "jd"), ("拼多多", "pdd"),
    ("抖音小店", "douyin"), ("亚马逊", "amazon"), ("直播带货", "zhibo"), ("物流售后", "wuliu"),
]  # fmt: skip


def body(rng):
    topic, platform = rng.choice(TOPICS), rng.choice(PLATFORMS)
    parts = []
    for n in range(rng.randint(4, 7)):
        text = "".join(
            rng.choice(SENTENCES).format(p=platform, t=topic) for _ in range(rng.randint(3, 6))
        )
        parts.append(f"<h2>{'一二三四五六七'[n]}、{topic}的第{n + 1}步</h2><p>{text}</p>")
    return topic, platform, "".join(parts)


def make_dedecms(count, rng):
    from legacy.tests import dede

    os.environ["DEDECMS_TEST_DATABASE"] = MYSQL_DB
    dede.create_tables("dede_", "gbk")
    start = dede.ts("2019-01-01T08:00:00")
    with dede.connect() as db, db.cursor(dede._Cursor) as cursor:
        types = [
            {"id": i + 1, "typename": name, "typedir": "{cmspath}/a/" + slug,
             "namerule": "{typedir}/{Y}{M}{D}/{aid}.html",
             "namerule2": "{typedir}/list_{tid}_{page}.html"}
            for i, (name, slug) in enumerate(CATEGORIES)
        ]  # fmt: skip
        dede.insert(cursor, "dede_arctype", types)
        for first in range(1, count + 1, 1000):
            archives, bodies, tags, comments = [], [], [], []
            for aid in range(first, min(first + 1000, count + 1)):
                topic, platform, html = body(rng)
                typeid = rng.randint(1, len(CATEGORIES))
                when = start + aid * 3600
                archives.append((aid, typeid, "", 0, 1, rng.randint(0, 50000),
                                 f"{platform}{topic}实战第{aid}篇", "", when, when,
                                 f"{platform},{topic}", f"{platform}卖家的{topic}经验。", ""))  # fmt: skip
                bodies.append((aid, typeid, html))
                for tag in sorted({topic, platform, rng.choice(TOPICS)}):
                    tags.append(
                        (
                            TOPICS.index(tag) + 1 if tag in TOPICS else 50 + PLATFORMS.index(tag),
                            aid,
                            typeid,
                            tag,
                        )
                    )
                if aid % 2 == 0:
                    comments.append((aid, typeid, f"读者{aid % 97}", "10.0.0.1", 1, when + 600, f"第{aid}篇很有用,{topic}这块学到了。"))  # fmt: skip
            cursor.executemany(
                "INSERT INTO dede_archives (id, typeid, flag, arcrank, channel, click, title,"
                " litpic, pubdate, senddate, keywords, description, filename)"
                " VALUES (%s,%s,NULLIF(%s,''),%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                archives,
            )
            cursor.executemany(
                "INSERT INTO dede_addonarticle (aid, typeid, body) VALUES (%s,%s,%s)", bodies
            )
            cursor.executemany(
                "INSERT IGNORE INTO dede_taglist (tid, aid, typeid, tag) VALUES (%s,%s,%s,%s)", tags
            )
            cursor.executemany(
                "INSERT INTO dede_feedback (aid, typeid, username, ip, ischeck, dtime, msg)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s)",
                comments,
            )
    return dede.database_url()


def make_wxr(count, rng, path):
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>bench</title><wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
        )
        for name, slug in CATEGORIES:
            out.write(
                f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:category_parent></wp:category_parent><wp:cat_name>{name}</wp:cat_name></wp:category>\n"
            )
        for pid in range(1, count + 1):
            topic, platform, html = body(rng)
            name, slug = rng.choice(CATEGORIES)
            day = f"2020-{(pid % 12) + 1:02d}-{(pid % 28) + 1:02d} {pid % 24:02d}:10:00"
            out.write(
                f"<item><title>{platform}{topic}实战第{pid}篇</title>"
                f"<link>https://bench.example/{pid}/post-{pid}/</link>"
                f"<content:encoded><![CDATA[{html}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{pid}</wp:post_id><wp:post_date>{day}</wp:post_date>"
                f"<wp:post_date_gmt>{day}</wp:post_date_gmt><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="{slug}">{escape(name)}</category>'
                f'<category domain="post_tag" nicename="t{TOPICS.index(topic)}">{topic}</category>'
                f"<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>{pid % 5000}</wp:meta_value></wp:postmeta>"
                + (
                    f"<wp:comment><wp:comment_id>{pid}</wp:comment_id><wp:comment_author>读者</wp:comment_author>"
                    f"<wp:comment_date_gmt>{day}</wp:comment_date_gmt><wp:comment_content>有用</wp:comment_content>"
                    f"<wp:comment_approved>1</wp:comment_approved></wp:comment>"
                    if pid % 2 == 0
                    else ""
                )
                + "</item>\n"
            )
        out.write("</channel></rss>\n")


def run(command, env, budget):
    """(seconds, peak RSS in MB, exit code, output tail, CPU seconds) of
    one process. The CPU time (user + system) is the import's own work: on
    a loaded machine the wall time also holds the time it waited for a core."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = started + budget
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
        log.seek(0)
        tail = log.read().decode("utf-8", "replace")[-800:]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), tail, cpu


def psql(sql):
    subprocess.run(["psql", PG_SERVER + "/postgres", "-qc", sql], check=True, capture_output=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sources", default="dedecms,wordpress")
    parser.add_argument("--budget", type=int, default=900, help="seconds per import at most")
    args = parser.parse_args()
    rng = random.Random(10)
    work = Path(tempfile.mkdtemp(prefix="importbench-"))
    sources = args.sources.split(",")
    made = {}
    t0 = time.monotonic()
    if "dedecms" in sources:
        made["dedecms"] = make_dedecms(args.articles, rng)
        print(
            f"DedeCMS database {MYSQL_DB}: {args.articles} archives ({time.monotonic() - t0:.0f} s)"
        )
    if "wordpress" in sources:
        made["wordpress"] = work / "export.xml"
        make_wxr(args.articles, rng, made["wordpress"])
        size = made["wordpress"].stat().st_size / 1e6
        print(f"WXR file: {args.articles} posts, {size:.0f} MB")
    results = []
    python = sys.executable
    for database in args.databases.split(","):
        for source in sources:
            env = {**os.environ, "DJANGO_MEDIA_ROOT": str(work / "media"), "DEMO_CONTENT": "0"}
            env.pop("REDIS_URL", None)
            if database == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{work}/{source}.sqlite3"
            else:
                psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
                psql(f"CREATE DATABASE {PG_NAME}")
                env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
            subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            if source == "dedecms":
                command = [python, "manage.py", "import_dedecms", "--database-url", made["dedecms"]]
            else:
                command = [python, "manage.py", "import_wordpress", str(made["wordpress"])]
            seconds, rss, code, tail, cpu = run(command, env, args.budget)
            rate = args.articles / seconds
            done = (
                "ok"
                if code == 0
                else f"exit {code}" + (" (budget)" if seconds >= args.budget else "")
            )
            results.append((database, source, seconds, rate, rss, done))
            print(
                f"{source} -> {database}: {seconds:.0f} s, {rate:.0f} articles/s, peak RSS {rss:.0f} MB,"
                f" {cpu:.0f} CPU s in the importer ({args.articles / cpu:.0f} articles per CPU s),"
                f" load {os.getloadavg()[0]:.1f}, {done}"
            )
            if code != 0:
                print(tail)
            if database == "postgres":
                psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    print("\nsource     database   seconds  articles/s  peak RSS MB")
    for database, source, seconds, rate, rss, done in results:
        print(f"{source:<10} {database:<10} {seconds:>7.0f} {rate:>11.0f} {rss:>12.0f}  {done}")
    missed = [r for r in results if r[0] == "postgres" and r[3] < TARGET_PER_SECOND]
    for _db, source, _s, rate, _r, _d in missed:
        print(f"target missed: {source} into PostgreSQL {rate:.0f}/s < {TARGET_PER_SECOND}/s")
    return 1 if missed or any(r[5] != "ok" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
