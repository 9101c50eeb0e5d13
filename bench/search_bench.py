"""make bench-search: the search at 100,000 generated articles, on SQLite and
on PostgreSQL (database `searchbench`, created and dropped here).

For each database: a fresh schema (migrate), the articles inserted in bulk
(generated Chinese text, no index yet), the index built as
`rebuild_search_index` builds it (timed), its size, then uncached searches
(engine.run: no result cache) over a fixed mix of queries, p50 and p99.
Every phase is bounded: past --budget seconds the run stops and says so.

    python bench/search_bench.py [--articles 100000] [--queries 400] [--budget 1500]
        [--databases sqlite,postgres] [--pg-name searchbench] [--keep DIR]

--pg-name (or BENCH_PG_NAME) names the PostgreSQL database; --keep DIR keeps
the built databases (DIR/bench.sqlite3, and the PostgreSQL database is not
dropped) for profiling, and reuses them when they already hold the articles.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("BENCH_PG_NAME", "searchbench")
TARGETS = {"p50_ms": 20, "p99_ms": 100, "build_s": 180}

# Original text for the generated articles: sentences assembled from these
# pieces (written for this benchmark).
SUBJECTS = [
    "新店",
    "老店",
    "小卖家",
    "中小商家",
    "天猫店",
    "淘宝店",
    "拼多多店铺",
    "京东店铺",
    "抖音小店",
    "亚马逊卖家",
    "客服团队",
    "运营",
    "美工",
    "店长",
    "主推款",
    "新品",
    "爆款",
    "引流款",
    "利润款",
    "直播间",
    "短视频",
    "详情页",
    "主图",
    "标题",
    "商品卡",
]
VERBS = [
    "优化",
    "提升",
    "调整",
    "测试",
    "复盘",
    "分析",
    "规划",
    "控制",
    "降低",
    "拆解",
    "搭建",
    "设置",
    "报名",
    "准备",
    "检查",
    "统计",
    "跟进",
    "维护",
    "改进",
    "对比",
    "筛选",
    "安排",
]
OBJECTS = [
    "点击率",
    "转化率",
    "客单价",
    "退款率",
    "复购率",
    "收藏加购",
    "访客数",
    "停留时长",
    "投产比",
    "出价",
    "关键词",
    "长尾词",
    "人群",
    "预算",
    "库存",
    "发货时效",
    "物流",
    "售后",
    "评价",
    "中差评",
    "体验分",
    "店铺评分",
    "DSR",
    "SKU",
    "主图视频",
    "详情页首屏",
    "活动报名",
    "秒杀",
    "优惠券",
    "满减",
    "直通车",
    "引力魔方",
    "万相台",
    "巨量千川",
    "淘宝客",
    "生意参谋",
    "千牛",
    "FBA",
    "头程",
    "Listing",
    "五点描述",
    "选品",
    "定价",
    "毛利",
    "成本",
    "供应链",
    "一件代发",
    "私域",
    "粉丝群",
    "会员",
    "老客",
    "直播话术",
    "脚本",
    "冷启动",
    "破零",
    "降权",
    "违规扣分",
    "申诉",
    "保证金",
    "入驻材料",
    "类目",
    "属性",
    "双11",
    "618",
    "年货节",
    "大促",
]
CONNECTORS = [
    "首先",
    "其次",
    "另外",
    "同时",
    "最后",
    "一般来说",
    "实际操作中",
    "很多卖家发现",
    "建议",
]
ENDINGS = [
    "效果会更稳定",
    "能少走很多弯路",
    "数据会明显好转",
    "成本更可控",
    "风险更小",
    "更容易起量",
]
CATEGORIES = [
    ("淘宝开店", "tbkd"),
    ("淘宝运营", "tbyy"),
    ("淘宝冲销量", "tbcxl"),
    ("京东", "jd"),
    ("拼多多", "pdd"),
    ("抖音小店", "dy"),
    ("亚马逊", "amazon"),
    ("跨境电商", "kj"),
]
TAGS = [*OBJECTS[:60], *SUBJECTS[:20]]


def sentence(rng):
    return (
        f"{rng.choice(CONNECTORS)},{rng.choice(SUBJECTS)}要{rng.choice(VERBS)}"
        f"{rng.choice(OBJECTS)}和{rng.choice(OBJECTS)},{rng.choice(ENDINGS)}。"
    )


def article_text(rng):
    title = f"{rng.choice(SUBJECTS)}如何{rng.choice(VERBS)}{rng.choice(OBJECTS)}:{rng.choice(OBJECTS)}的{rng.choice(['实战方法', '常见误区', '完整步骤', '避坑指南', '数据复盘'])}"
    paragraphs = ["".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(4)]
    summary = sentence(rng) + sentence(rng)
    return title, summary, paragraphs


def queries(rng, count):
    judged = [
        json.loads(line)["query"]
        for line in (ROOT / "search/eval/judgments.jsonl").read_text("utf-8").splitlines()
    ]
    mix = list(judged)
    while len(mix) < count:
        kind = rng.random()
        if kind < 0.4:
            mix.append(rng.choice(OBJECTS))
        elif kind < 0.7:
            mix.append(f"{rng.choice(OBJECTS)} {rng.choice(OBJECTS)}")
        else:
            mix.append(f"{rng.choice(SUBJECTS)}怎么{rng.choice(VERBS)}{rng.choice(OBJECTS)}")
    rng.shuffle(mix)
    return mix[:count]


def build(rng, articles, check):
    """The articles inserted in bulk, then the index built (timed)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Category
    from search.index import rebuild

    categories = [Category.objects.create(name=n, slug=s) for n, s in CATEGORIES]
    tags = [Tag.objects.create(name=name, slug=f"t{i}") for i, name in enumerate(TAGS)]
    content_type = ContentType.objects.get_for_model(Article)
    now = timezone.now()
    insert_started = time.monotonic()
    chunk = 2000
    for start in range(0, articles, chunk):
        rows = []
        for n in range(start, min(start + chunk, articles)):
            title, summary, paragraphs = article_text(rng)
            rows.append(
                Article(
                    title=title,
                    category=categories[n % len(categories)],
                    summary=summary,
                    body="".join(f"<p>{p}</p>" for p in paragraphs),
                    body_text="\n".join(paragraphs),
                    status="published" if n % 20 else "draft",
                    published_at=now - timezone.timedelta(minutes=n),
                    views=rng.randint(0, 5000),
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(rows)
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=tag, content_type=content_type, object_id=a.pk)
                for a in created
                for tag in rng.sample(tags, 3)
            )
        check("inserting articles")
    inserted = time.monotonic() - insert_started

    build_started = time.monotonic()
    rebuild(progress=lambda n: check("building the index"))  # as rebuild_search_index does
    built = time.monotonic() - build_started
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load: without it
        # the planner takes the 100,000 new articles for a few dozen.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return inserted, built


def reference(connection):
    """The machine's noise: (median ms of SELECT 1 through Django, median ms
    of a fixed piece of work in the database: counting to 300,000)."""
    if connection.vendor == "postgresql":
        work = "SELECT COUNT(*) FROM generate_series(1, 300000)"
    else:
        work = (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
            " WHERE x < 300000) SELECT COUNT(*) FROM c"
        )
    timings = {"SELECT 1": [], work: []}
    with connection.cursor() as cursor:
        for _ in range(15):
            for sql, times in timings.items():
                t0 = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchone()
                times.append((time.perf_counter() - t0) * 1000)
    return tuple(round(statistics.median(t), 2) for t in timings.values())


def run_one(database, articles, query_count, budget, pg_name, keep=None, reuse=False):
    """In a process of its own (settings are read once): one database."""
    started = time.monotonic()

    def check(phase):
        if time.monotonic() - started > budget:
            raise SystemExit(f"{database}: over the {budget} s budget during {phase}; stopped")

    folder = keep or tempfile.mkdtemp(prefix="searchbench-")
    if database == "sqlite":
        path = Path(folder) / "bench.sqlite3"
        if path.exists() and not reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
            exists = pg.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]
            ).fetchone()
            if not (reuse and exists):
                pg.execute(f"DROP DATABASE IF EXISTS {pg_name}")
                pg.execute(f"CREATE DATABASE {pg_name}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{pg_name}"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "forum.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from search import engine
    from search.backends import backend

    call_command("migrate", verbosity=0)
    rng = random.Random(20261201)
    if reuse and Article.objects.count() == articles:
        inserted = built = None
    else:
        inserted, built = build(rng, articles, check)
    size = backend().size()

    mix = queries(random.Random(20261202), query_count)
    load_before = os.getloadavg()[0]
    reference_before = reference(connection)
    for text in mix[:20]:  # warm the caches of the database and the segmenter
        engine.run(text)
    timings, found = [], 0
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    for text in mix:
        t0 = time.perf_counter()
        result = engine.run(text)
        timings.append((time.perf_counter() - t0) * 1000)
        found += bool(result.ids)
        check("searching")
    if profile:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    timings.sort()
    reference_after = reference(connection)
    connection.close()
    if keep:
        pass  # kept for profiling (--keep)
    elif database == "sqlite":
        shutil.rmtree(folder, ignore_errors=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {pg_name}")
    return {
        "database": database,
        "articles": articles,
        "insert_s": round(inserted, 1) if inserted is not None else None,
        "build_s": round(built, 1) if built is not None else None,
        "index_mb": round(size / 1e6, 1) if size else None,
        "queries": len(timings),
        "found": found,
        "p50_ms": round(statistics.median(timings), 1),
        "p99_ms": round(timings[max(0, int(len(timings) * 0.99) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        # The machine's noise, measured in the same run: the load average,
        # and the median of a trivial query (SELECT 1 through Django) and of
        # a fixed piece of database work, before and after the searches.
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "ref_query_ms": [reference_before[0], reference_after[0]],
        "ref_work_ms": [reference_before[1], reference_after[1]],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--budget", type=int, default=1500, help="seconds per database")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-name", default=PG_NAME, help="the PostgreSQL database's name")
    parser.add_argument("--keep", help="keep the databases (SQLite in this folder)")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: search the kept articles, no rebuild"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        keep = str(Path(args.keep).resolve()) if args.keep else None
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
        result = run_one(
            args.one, args.articles, args.queries, args.budget, args.pg_name, keep, args.reuse
        )
        print(json.dumps(result))
        return 0
    results, ok = [], True
    for database in args.databases.split(","):
        command = [
            sys.executable, __file__, "--one", database, "--articles", str(args.articles),
            "--queries", str(args.queries), "--budget", str(args.budget),
            "--pg-name", args.pg_name,
            *(["--keep", args.keep] if args.keep else []), *(["--reuse"] if args.reuse else []),
        ]  # fmt: skip
        print(f"{database}: {args.articles} articles ...", flush=True)
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.budget + 120, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"{database}: did not finish in time")
            ok = False
            continue
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-4000:])
            ok = False
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print()
    print(
        f"{'database':<10}{'articles':>9}{'insert s':>10}{'build s':>9}{'index MB':>10}"
        f"{'queries':>9}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    for r in results:
        print(
            f"{r['database']:<10}{r['articles']:>9}{r['insert_s']!s:>10}{r['build_s']!s:>9}"
            f"{r['index_mb']!s:>10}{r['queries']:>9}{r['p50_ms']:>8}{r['p99_ms']:>8}{r['max_ms']:>8}"
        )
        ok &= (
            r["p50_ms"] < TARGETS["p50_ms"]
            and r["p99_ms"] < TARGETS["p99_ms"]
            and (r["build_s"] or 0) < TARGETS["build_s"]  # None: reused, not built
        )
    for r in results:
        print(
            f"{r['database']}: load {r['load'][0]} -> {r['load'][1]};"
            f" SELECT 1 {r['ref_query_ms'][0]} -> {r['ref_query_ms'][1]} ms;"
            f" counting to 300,000 in the database {r['ref_work_ms'][0]} -> {r['ref_work_ms'][1]} ms"
        )
    print(
        f"\ntargets: p50 < {TARGETS['p50_ms']} ms, p99 < {TARGETS['p99_ms']} ms,"
        f" build < {TARGETS['build_s']} s: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
