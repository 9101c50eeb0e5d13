"""`make bench-scale`: the site at the size of a real one (issue #12: 100,000
articles and 1,000,000 comments) against the demo's 45 articles, in the same
run on this machine, with ratios.

    .venv/bin/python -m bench.scale [--articles 100000] [--comments 1000000]
                                    [--database sqlite|postgres|both]

For each database (SQLite files in a temp folder; PostgreSQL databases
`scalebench` and `scalebench_demo` on 127.0.0.1:5432 with Redis db 10 as the
cache, all created and dropped here), it prepares two sites as `make run`
does: a demo site (manage.py prepare_site only) and a big one (the same,
then bench/generate.py's bulk inserts and manage.py refresh_pages). Both are
started as `make run` starts them (prepare_site, then serve.py) and run side
by side; every measurement alternates between them:

- pages, one request at a time on a keep-alive connection, 50 each (fewer
  when a page takes seconds: each row has a time budget, and every request a
  timeout), medians and p99: an article on a page-cache miss (a different
  article each request), an article rendered with warm data, and the list,
  sitemap, feed, search and admin pages rendered (the page cache bypassed
  by an unknown query parameter, ?nocache=N);
- start-up: prepare_site, and serve.py's start to its first 200;
- manage.py warm_pages on each running site (every article page rendered
  into the page store, as DedeCMS generates its HTML; --no-warm skips it),
  after the page rows and before the traffic below;
- Zipf (s=1.1) reader traffic over all articles at 32 connections (wrk,
  bench/zipf.lua), beside nginx serving a few hundred of the same pages as
  static files (the physical ceiling), in alternation;
- a crawl: every article once in random order (bench/crawl.lua), bounded in time;
- the read-count check: exact reader GETs to a known set of articles
  (bench/readset.lua) against the rise of their 阅读量, before and after
  SIGTERM;
- the largest worker's RSS after all that traffic.

It prints a hardware line, the table with ratios, and issue #12's targets
met or missed. Missing one does not stop the run: the bench reports.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from bench.run import BENCH, PY, ROOT, UA, Stack, hardware, parse_wrk

POSTGRES = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/10"
CRAWLER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
SEARCHES = ["主图", "发货 运费", "保证金退还"]
NGINX_PAGES = 300
READ_SET = 20
READ_FLUSH_SECONDS = 10  # the site's default (README, articles/reads.py)
REQUEST_TIMEOUT = 30


def say(message=""):
    print(message, flush=True)


def megabytes(size):
    return f"{size / 1024 / 1024:,.1f} MB"


def kilobytes(size):
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} B"


# -- databases ---------------------------------------------------------------


class Database:
    """One bench database: a SQLite file or a PostgreSQL database."""

    def __init__(self, kind, name, folder):
        self.kind, self.name = kind, name
        if kind == "sqlite":
            self.path = folder / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.url = POSTGRES + name

    def _admin(self, sql):
        import psycopg

        with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
            connection.execute(sql)

    def create(self):
        if self.kind == "postgres":
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            self._admin(f"CREATE DATABASE {self.name}")

    def drop(self):
        if self.kind == "postgres":
            with contextlib.suppress(Exception):
                self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    @contextlib.contextmanager
    def connect(self):
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.path, timeout=30)
        else:
            import psycopg

            connection = psycopg.connect(self.url)
        try:
            yield connection
            connection.commit()
        finally:
            connection.close()

    def rows(self, sql, params=()):
        if self.kind == "sqlite":
            sql = sql.replace("%s", "?")
        with self.connect() as connection:
            return list(connection.execute(sql, params).fetchall())

    def execute(self, sql, params=()):
        if self.kind == "sqlite":
            sql = sql.replace("%s", "?")
        with self.connect() as connection:
            connection.execute(sql, params)

    def size(self):
        if self.kind == "sqlite":
            return sum(
                p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
            )
        return self.rows("SELECT pg_database_size(current_database())")[0][0]

    def bump(self):
        """A new content version, as refresh_pages makes; every server
        process sees it within a second."""
        self.execute("UPDATE articles_contentversion SET version = version + 1")
        time.sleep(1.2)


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS).flushdb()


# -- sites -------------------------------------------------------------------


class Site:
    """A site on one database, started as `make run` starts it."""

    def __init__(self, label, db, folder, base_env):
        self.label, self.db, self.folder = label, db, folder
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)  # nginx workers run as an unprivileged user
        self.env = {
            **base_env,
            "DATABASE_URL": db.url,
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "PAGE_CACHE_DIR": str(folder / "pages"),  # without Redis: this site's own
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Every simulated reader comes from 127.0.0.1.
            "SEARCH_RATE_LIMIT": "1000000/60",
            "SEARCH_SUGGEST_RATE_LIMIT": "1000000/60",
        }
        if db.kind == "postgres":
            self.env["REDIS_URL"] = REDIS
            self.env["CACHE_KEY_PREFIX"] = f"scalebench-{label}"
        self.stack = Stack(folder, self.env)
        self.port = self.stack.site_port
        self.skipped_checks = []
        self.last_reader_traffic = 0.0

    def manage(self, *command, env=None):
        """manage.py COMMAND; when the system checks stop it, again with
        --skip-checks (said in the report: it is a bug to fix)."""
        full = [str(PY), "manage.py", *command]
        env = {**self.env, **(env or {})}
        done = subprocess.run(full, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode and "SystemCheckError" in done.stderr:
            errors = [
                line for line in done.stderr.splitlines() if "(admin." in line or "E0" in line
            ]
            self.skipped_checks.append((command[0], errors[:2] or done.stderr.splitlines()[-3:]))
            done = subprocess.run(
                [*full, "--skip-checks"], cwd=ROOT, env=env, capture_output=True, text=True
            )
        if done.returncode:
            raise SystemExit(f"bench: manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def superuser(self, password):
        self.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "scalebench",
            "--email",
            "scalebench@example.invalid",
            env={"DJANGO_SUPERUSER_PASSWORD": password},
        )

    def start(self):
        """prepare_site then serve.py, as `make run` does; returns the
        seconds of each (serve.py: until / answers 200)."""
        started = time.perf_counter()
        self.manage("prepare_site", "--verbosity", "0")
        prepared = time.perf_counter()
        self.stack._spawn([str(PY), "serve.py"], {**self.env, "PORT": str(self.port)})
        self.server = self.stack.procs[-1]
        deadline = prepared + 120
        while time.perf_counter() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", "/", headers={"User-Agent": CRAWLER_UA})
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    return prepared - started, time.perf_counter() - prepared
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"bench: the {self.label} site did not answer within 120 s")

    def workers(self):
        """(pid, VmRSS, VmHWM in bytes) of serve.py's leaf processes: the workers."""
        parents = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        leaves, todo = [], [self.server.pid]
        while todo:
            pid = todo.pop()
            children = parents.get(pid, [])
            todo += children
            if not children and pid != self.server.pid:
                leaves.append(pid)
        found = []
        for pid in leaves:
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024
                hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) * 1024
                found.append((pid, rss, hwm))
        return found

    def stop(self):
        self.stack.stop()


class Client:
    """One keep-alive connection, as a browser holds; reconnects after an error."""

    def __init__(self, port, cookie=""):
        self.port, self.cookie, self.connection = port, cookie, None

    def get(self, path, *, method="GET", body=None, headers=None):
        headers = {"User-Agent": UA, **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
            )
        started = time.perf_counter()
        try:
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the idle keep-alive connection: a browser
                # opens a new one and asks again.
                self.connection.close()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = None
            return None, repr(error).encode(), {}, (time.perf_counter() - started) * 1000
        return response.status, data, response.headers, (time.perf_counter() - started) * 1000

    def login(self, username, password):
        status, page, headers, _ = self.get("/admin/login/")
        csrf = re.search(r"csrftoken=([^;]+)", cookies(headers)).group(1)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        self.cookie = f"csrftoken={csrf}"
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            }
        )
        status, _, headers, _ = self.get(
            "/admin/login/?next=/admin/",
            method="POST",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        session = re.search(r"sessionid=([^;]+)", cookies(headers))
        if status != 302 or not session:
            raise SystemExit(f"bench: could not log in to the admin (HTTP {status})")
        self.cookie += f"; sessionid={session.group(1)}"


def cookies(headers):
    return ",".join(headers.get_all("Set-Cookie") or []) if headers else ""


def measure(targets, *, budget):
    """Sequential requests path_of(0..count-1) to each site of `targets`
    ({label: (client, path_of, count, warm)}), the sites in turn request by
    request, so that a slow second of this shared machine falls on both
    alike; medians, p99 and sizes. A site's row stops early once `budget`
    seconds of its requests are spent (the warm-up request included), after
    at least one measured request: pages that take seconds get fewer
    requests, and the table says how many."""
    spent = dict.fromkeys(targets, 0.0)
    found = {
        label: {"times": [], "sizes": [], "errors": 0, "statuses": set(), "cache": {}}
        for label in targets
    }
    for label, (client, path_of, count, warm) in targets.items():
        if warm:
            started = time.perf_counter()
            client.get(path_of(count))  # not counted: fills what a render keeps
            spent[label] += time.perf_counter() - started
    for i in range(max(count for _, _, count, _ in targets.values())):
        for label, (client, path_of, count, _) in targets.items():
            seen = found[label]
            if i >= count or (seen["times"] and spent[label] > budget):
                continue
            started = time.perf_counter()
            status, data, headers, ms = client.get(path_of(i))
            spent[label] += time.perf_counter() - started
            seen["times"].append(ms)
            seen["sizes"].append(len(data))
            state = headers.get("X-Page-Cache", "none") if headers else "none"
            seen["cache"][state] = seen["cache"].get(state, 0) + 1
            if status != 200:
                seen["errors"] += 1
                seen["statuses"].add(status)
    results = {}
    for label, seen in found.items():
        ordered = sorted(seen["times"])
        results[label] = {
            "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
            "size": statistics.median(seen["sizes"]),
            "n": len(ordered),
            "wanted": targets[label][2],
            "errors": seen["errors"],
            "statuses": seen["statuses"],
            "cache": seen["cache"],
        }
    return results


def run_wrk(url, *, threads=2, connections=32, seconds=10, script=None, env=None, ua=UA):
    """wrk with bench/run.py's parser, a 30 s timeout per request (slow
    pages show in p99 instead of as socket errors) and a guard for a run
    that got no answer at all."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        f"--timeout={REQUEST_TIMEOUT}s",
        "-H",
        f"User-Agent: {ua}",
    ]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    ).stdout
    try:
        result = parse_wrk(out)
    except (AttributeError, KeyError):
        result = {
            "rps": 0.0,
            "p50": float("nan"),
            "p99": float("nan"),
            "non2xx": 0,
            "errors": 0,
            "requests": 0,
            "target_sent": 0,
        }
    crawl = re.search(r"crawl: (\d+) pages in ([\d.]+) s", out)
    if crawl:
        result["pages"], result["seconds"] = int(crawl.group(1)), float(crawl.group(2))
    return result


# -- one database: build, start, measure -------------------------------------


def build(sites, args, password):
    demo, big = sites["demo"], sites["big"]
    for site in (demo, big):
        site.db.create()
        started = time.perf_counter()
        site.manage("prepare_site", "--verbosity", "0")
        say(
            f"  {site.label}: prepared (migrate, demo articles) in {time.perf_counter() - started:.1f} s"
        )
        site.superuser(password)
    say(f"  big: generating {args.articles:,} articles and {args.comments:,} comments ...")
    generate = subprocess.run(
        [
            str(PY),
            "-m",
            "bench.generate",
            "--articles",
            str(args.articles),
            "--comments",
            str(args.comments),
            "--seed",
            str(args.seed),
        ],
        cwd=ROOT,
        env=big.env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    stats = json.loads(generate.stdout.strip().splitlines()[-1])
    started = time.perf_counter()
    big.manage("refresh_pages")
    stats["refresh_seconds"] = time.perf_counter() - started
    # The generator writes rows, not search documents: the reader and admin
    # searches need the index built, as after an import.
    started = time.perf_counter()
    big.manage("rebuild_search_index")
    stats["index_seconds"] = time.perf_counter() - started
    stats["size"] = big.db.size()
    stats["demo_size"] = demo.db.size()
    return stats


def say_last_traceback(site):
    """The last error a site's server logged, if any (its log goes with the
    run's temporary folder)."""
    for log in sorted(site.stack.tmp.glob("server-*.log")):
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            last = text[text.rindex("Traceback") :].splitlines()[:40]
            say(f"  {site.label}: the last error in {log.name}, of {text.count('Traceback')}:")
            say("\n".join("    " + line for line in last))


def paths_by_reads(db):
    """(path, id, views, comments shown) of the live articles, the most read first."""
    rows = db.rows(
        "SELECT a.id, c.slug, a.views, "
        "(SELECT COUNT(*) FROM comments_comment m WHERE m.article_id = a.id "
        "AND m.status = 'approved') "
        "FROM articles_article a JOIN articles_category c ON c.id = a.category_id "
        "WHERE a.status = 'published' AND a.published_at <= %s ORDER BY a.views DESC, a.id",
        (db_now(db),),
    )
    return [(f"/{slug}/{pk}.html", pk, views, shown) for pk, slug, views, shown in rows]


def db_now(db):
    now = datetime.now(UTC)
    return str(now.replace(tzinfo=None)) if db.kind == "sqlite" else now


def page_rows(info, args):
    """The latency rows of one site: name, what it is here (detail), the
    path of the i-th request, how many, reader page or admin, and whether a
    first request warms what a render keeps (not for the pages that keep
    nothing: sitemaps, search, admin; they cost seconds at the big size)."""
    n = args.requests
    articles, rng = info["articles"], random.Random(args.seed)
    # Page-cache misses: articles nobody has asked for yet, a different one each time.
    # (Not the most read: the warm-up at start-up asked for it.)
    fresh = [a for a in articles if a[1] > info["demo_max_id"]] or articles[1:]
    fresh = rng.sample(fresh, min(n, len(fresh)))
    typical = info["typical"]
    category, last_page = info["category"], info["last_page"]
    page_100 = min(100, last_page)
    tag = "/tags/" + urllib.parse.quote(info["tag"]) + "/"

    def row(name, detail, path_of, *, count=n, reader=True, warm=True, late=None):
        return {
            "name": name,
            "detail": detail,
            "path_of": path_of,
            "count": count,
            "reader": reader,
            "warm": warm,
            # The pages that keep nothing are measured after the traffic: at
            # the big size they take seconds, and a timed-out request still
            # keeps a server thread busy.
            "late": not warm if late is None else late,
        }

    rows = [
        row(
            "article, page-cache miss (a different article each request)",
            "",
            lambda i: fresh[i % len(fresh)][0],
            count=len(fresh),
            warm=False,
            late=False,
        ),
        row(
            "article rendered, warm data",
            f"{typical[3]} comments",
            lambda i: f"{typical[0]}?nocache={i}",
        ),
        row("home rendered", "", lambda i: f"/?nocache={i}"),
        row("category page 1", category, lambda i: f"/{category}/?nocache={i}"),
        row(
            "category page 100",
            f"page {page_100}",
            lambda i: f"/{category}/?page={page_100}&nocache={i}",
        ),
        row(
            "category last page",
            f"page {last_page}",
            lambda i: f"/{category}/?page={last_page}&nocache={i}",
        ),
        row(
            "tag page, most used tag",
            f"{info['tag_count']:,} articles",
            lambda i: f"{tag}?nocache={i}",
        ),
        row("HTML 网站地图 /sitemap/", "", lambda i: f"/sitemap/?nocache={i}", warm=False),
        row(
            "网站地图 category, last page",
            f"page {info['sitemap_last_page']}",
            lambda i: f"/sitemap/{category}/?page={info['sitemap_last_page']}&nocache={i}",
            warm=False,
        ),
        row("/sitemap.xml index", "", lambda i: f"/sitemap.xml?nocache={i}", warm=False),
        row(
            "/sitemap-articles.xml, first section",
            "",
            lambda i: f"/sitemap-articles.xml?p=1&nocache={i}",
            warm=False,
        ),
        row("/feed/", "", lambda i: f"/feed/?nocache={i}"),
    ]
    for query in SEARCHES:
        path = "/search/?q=" + urllib.parse.quote(query)
        rows.append(row(f"search “{query}”", "", lambda i, p=path: p, warm=False))
    for model, query in (("articles/article", "主图"), ("comments/comment", "推广")):
        base, name = f"/admin/{model}/", f"admin {model.split('/')[1]} list"
        rows.append(row(name, "", lambda i, b=base: b, reader=False, warm=False))
        searched = f"{base}?q={urllib.parse.quote(query)}"
        rows.append(
            row(f"{name} ?q={query}", "", lambda i, p=searched: p, reader=False, warm=False)
        )
    return rows


def site_info(site):
    db = site.db
    articles = paths_by_reads(db)
    demo_max_id = db.rows(
        "SELECT COALESCE(MAX(id), 0) FROM articles_article WHERE source_url <> ''"
    )[0][0]
    generated = [a for a in articles if a[1] > demo_max_id]
    if generated:  # an article with a typical number of comments
        by_comments = sorted(generated, key=lambda a: a[3])
        typical = by_comments[len(by_comments) // 2]
    else:
        typical = sorted(articles, key=lambda a: a[1])[len(articles) // 2]
    slug, count = db.rows(
        "SELECT c.slug, COUNT(*) FROM articles_article a JOIN articles_category c "
        "ON c.id = a.category_id WHERE a.status = 'published' AND a.published_at <= %s "
        "GROUP BY c.slug ORDER BY COUNT(*) DESC, c.slug",
        (db_now(db),),
    )[0]
    tag, tag_count = db.rows(
        "SELECT t.slug, COUNT(*) FROM taggit_tag t JOIN taggit_taggeditem i ON i.tag_id = t.id "
        "GROUP BY t.slug ORDER BY COUNT(*) DESC, t.slug"
    )[0]
    return {
        "articles": articles,
        "demo_max_id": demo_max_id,
        "typical": typical,
        "category": slug,
        "last_page": max(1, -(-count // 20)),
        "sitemap_last_page": max(1, -(-count // 200)),  # articles.views.SITEMAP_PAGE_SIZE
        "tag": tag,
        "tag_count": tag_count,
    }


def read_check(site, info, folder, args):
    """Exact reader GETs to a known set against the rise of its 阅读量."""
    articles = info["articles"]
    rng = random.Random(args.seed + 1)
    chosen = articles[:5] + rng.sample(articles[5:], min(READ_SET - 5, max(0, len(articles) - 5)))
    ids = [a[1] for a in chosen]
    urls = folder / f"readset-{site.label}.txt"
    urls.write_text("\n".join(a[0] for a in chosen) + "\n")
    wait = site.last_reader_traffic + READ_FLUSH_SECONDS + 2 - time.time()
    if wait > 0:
        time.sleep(wait)  # earlier readers' counts have reached the database
    before = views(site.db, ids)
    threads, per_path = 2, args.read_requests // (2 * len(ids)) or 1
    run = run_wrk(
        f"http://127.0.0.1:{site.port}/",
        threads=threads,
        connections=16,
        seconds=args.read_seconds,
        script=BENCH / "readset.lua",
        env={"BENCH_URLS": str(urls), "BENCH_PER_PATH": str(per_path)},
    )
    expected = per_path * threads
    started = time.time()
    while time.time() - started < 3 * READ_FLUSH_SECONDS:
        rise = sum(views(site.db, ids).values()) - sum(before.values())
        if rise >= run["target_sent"]:
            break
        time.sleep(1)
    time.sleep(2)
    after = views(site.db, ids)
    return {
        "ids": ids,
        "before": before,
        "after_flush": after,
        "waited": time.time() - started,
        "expected": expected,
        "sent": run["target_sent"],
        "complete": run["target_sent"] == expected * len(ids),
        "requests": run["requests"],
        "non2xx": run["non2xx"],
        "errors": run["errors"],
    }


def views(db, ids):
    marks = ", ".join(["%s"] * len(ids))
    return dict(db.rows(f"SELECT id, views FROM articles_article WHERE id IN ({marks})", ids))


def bench_database(kind, args, root):
    say(f"\n=== {'SQLite' if kind == 'sqlite' else 'PostgreSQL'} ===")
    started = time.perf_counter()
    folder = root / kind
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    if kind == "postgres":
        flush_redis()
    names = {"demo": "scalebench_demo", "big": "scalebench"}
    sites = {
        label: Site(label, Database(kind, names[label], folder / label), folder / label, base_env)
        for label in ("demo", "big")
    }
    password = f"bench-{random.randrange(10**12)}"
    report = {"kind": kind, "rows": [], "sites": sites}
    try:
        report["generation"] = build(sites, args, password)
        gen = report["generation"]
        say(
            f"  big: {gen['articles']:,} articles, {gen['comments']:,} comments, "
            f"{gen['tagged']:,} tag links in {gen['seconds']:.0f} s "
            f"({gen['rows'] / gen['seconds']:,.0f} rows/s); refresh_pages {gen['refresh_seconds']:.1f} s; "
            f"rebuild_search_index {gen['index_seconds']:.0f} s; "
            f"database {megabytes(gen['size'])} (demo {megabytes(gen['demo_size'])})"
        )
        for label in ("demo", "big"):
            prepare, serve = sites[label].start()
            report[f"start_{label}"] = (prepare, serve)
            say(f"  {label}: prepare_site {prepare:.1f} s, serve.py to first 200 {serve:.2f} s")
        infos = {label: site_info(site) for label, site in sites.items()}
        report["article_count"] = sites["big"].db.rows("SELECT COUNT(*) FROM articles_article")[0][
            0
        ]
        clients = {label: Client(site.port) for label, site in sites.items()}
        admins = {label: Client(site.port) for label, site in sites.items()}
        for admin in admins.values():
            admin.login("scalebench", password)
        for label, client in clients.items():  # imports, templates, fragments
            for path in ["/", "/robots.txt", infos[label]["articles"][0][0]]:
                client.get(path)

        rows = {label: page_rows(infos[label], args) for label in sites}
        say(
            f"  pages: {args.requests} requests each (at most {args.row_seconds:g} s a row), "
            "demo and big in turn, request by request"
        )
        results_by_row = {}

        def measure_rows(late):
            for index, big_row in enumerate(rows["big"]):
                if big_row["late"] != late:
                    continue
                targets = {}
                for label in ("demo", "big"):
                    row = rows[label][index]
                    client = clients[label] if row["reader"] else admins[label]
                    targets[label] = (client, row["path_of"], row["count"], row["warm"])
                results = measure(targets, budget=args.row_seconds)
                for label in ("demo", "big"):
                    row = rows[label][index]
                    results[label]["detail"] = row["detail"]
                    if index == 0:  # the miss row: say how the page cache answered
                        misses = results[label]["cache"].get("miss", 0)
                        results[label]["detail"] = (
                            f"{misses}/{results[label]['n']} X-Page-Cache: miss"
                        )
                    if row["reader"]:
                        sites[label].last_reader_traffic = time.time()
                results_by_row[index] = (big_row["name"], big_row["reader"], results)
                say(
                    f"    {big_row['name']}: big {results['big']['p50']:,.1f} ms, "
                    f"demo {results['demo']['p50']:,.1f} ms"
                )

        measure_rows(late=False)

        # Every article page rendered ahead of the traffic (manage.py
        # warm_pages, DedeCMS's 生成 HTML), on the running sites.
        report["warm"] = {}
        if args.warm:
            for label, site in sites.items():
                started_warm = time.perf_counter()
                out = site.manage(
                    "warm_pages", "--host", f"127.0.0.1:{site.port}", "--processes", "2"
                )
                seconds = time.perf_counter() - started_warm
                rendered = re.search(r"生成 ([\d,]+) 页", out)
                report["warm"][label] = (
                    int(rendered.group(1).replace(",", "")) if rendered else 0,
                    seconds,
                )
                say(f"  warm_pages {label}: {out.strip().splitlines()[-1]}")

        # Static copies of the most read pages for nginx, under their own paths.
        big = sites["big"]
        static = big.folder / "static"
        top = infos["big"]["articles"][:NGINX_PAGES]
        fetcher = Client(big.port)
        copy_started = time.perf_counter()
        copied = []
        for path, *_ in top:
            if copied and time.perf_counter() - copy_started > args.copy_seconds:
                break  # the most read pages are the heaviest (most comments)
            copied.append(path)
            status, data, _, _ = fetcher.get(path, headers={"User-Agent": CRAWLER_UA})
            if status != 200:
                raise SystemExit(f"bench: {path} answered {status} while copying pages for nginx")
            target = static / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        big.stack.start_references(data)
        report["nginx_pages"] = (len(copied), time.perf_counter() - copy_started)
        say(f"  nginx: {len(copied)} pages copied in {report['nginx_pages'][1]:.0f} s")
        url_files = {}
        for label, paths in (
            ("nginx", copied),
            ("demo", [a[0] for a in infos["demo"]["articles"]]),
            ("big", [a[0] for a in infos["big"]["articles"]]),
        ):
            url_files[label] = folder / f"zipf-{label}.txt"
            url_files[label].write_text("\n".join(paths) + "\n")
        bases = {
            "nginx": f"http://127.0.0.1:{big.stack.nginx_port}/",
            "demo": f"http://127.0.0.1:{sites['demo'].port}/",
            "big": f"http://127.0.0.1:{big.port}/",
        }
        zipf = {label: [] for label in bases}
        say(f"  Zipf traffic: {args.rounds} rounds of {args.seconds} s at 32 connections, in turn")
        for _ in range(args.rounds):
            for label, base in bases.items():
                zipf[label].append(
                    run_wrk(
                        base,
                        seconds=args.seconds,
                        script=BENCH / "zipf.lua",
                        env={"BENCH_URLS": str(url_files[label]), "BENCH_ZIPF_S": "1.1"},
                    )
                )
                if label in sites:
                    sites[label].last_reader_traffic = time.time()
        report["zipf"] = {
            label: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for label, runs in zipf.items()
        }
        for label, m in report["zipf"].items():
            say(
                f"    {label}: {m['rps']:,.0f} requests/s, p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms"
            )

        report["crawl"] = {}
        for label, site in sites.items():
            shuffled = [a[0] for a in infos[label]["articles"]]
            random.Random(args.seed + 2).shuffle(shuffled)
            crawl_file = folder / f"crawl-{label}.txt"
            crawl_file.write_text("\n".join(shuffled) + "\n")
            # As after a content change elsewhere: lists are rendered again,
            # article pages served as stored and rendered again in the background.
            site.db.bump()
            result = run_wrk(
                f"http://127.0.0.1:{site.port}/",
                connections=8,
                seconds=args.crawl_seconds,
                script=BENCH / "crawl.lua",
                env={"BENCH_URLS": str(crawl_file), "BENCH_THREADS": "2", "BENCH_UA": CRAWLER_UA},
                ua=CRAWLER_UA,
            )
            result["total"] = len(shuffled)
            report["crawl"][label] = result
            say(
                f"    crawl {label}: {result.get('pages', 0):,}/{len(shuffled):,} pages in "
                f"{result.get('seconds', 0):.1f} s"
            )

        report["reads"] = {}
        for label, site in sites.items():
            report["reads"][label] = read_check(site, infos[label], folder, args)
        say("  the pages that take seconds at the big size (sitemaps, search, admin):")
        measure_rows(late=True)
        report["rows"] = [results_by_row[index] for index in sorted(results_by_row)]
        report["rss"] = {label: site.workers() for label, site in sites.items()}
        for label, site in sites.items():
            site.stop()
            check = report["reads"][label]
            check["after_stop"] = views(site.db, check["ids"])
        report["final_size"] = sites["big"].db.size()
    finally:
        for site in sites.values():
            site.stop()
            site.db.drop()
            say_last_traceback(site)
        if kind == "postgres":
            with contextlib.suppress(Exception):
                flush_redis()
    report["seconds"] = time.perf_counter() - started
    print_report(report, args)
    return report


# -- the report --------------------------------------------------------------


def cell(result):
    text = f"{result['p50']:,.1f} / {result['p99']:,.1f}"
    if result["n"] < result["wanted"]:
        text += f" (only {result['n']})"
    if result["errors"]:
        text += f" ({result['errors']} errors: {sorted(map(str, result['statuses']))})"
    return text


def per_kilobyte(big, demo):
    """The p50 ratio per byte of output, where the two pages differ in size
    by more than a fifth (a sitemap section of 2,000 URLs against the demo's
    45, a list of 20 articles against 6, a home page whose category blocks
    are full): what each item costs, apart from how many there are. Blank
    where the sizes are alike."""
    if not big["size"] or not demo["size"] or big["errors"] or demo["errors"]:
        return ""
    grown = big["size"] / demo["size"]
    if 1 / 1.2 <= grown <= 1.2:
        return ""
    return f"{big['p50'] / demo['p50'] / grown:.2f}x ({grown:.1f}x the bytes)"


def print_report(report, args):
    kind = (
        "SQLite (WAL, files in a temp folder)"
        if report["kind"] == "sqlite"
        else "PostgreSQL 127.0.0.1"
    )
    cache = "local memory per process" if report["kind"] == "sqlite" else "Redis db 10"
    sites, gen = report["sites"], report.get("generation")
    say()
    say(f"hardware: {hardware()}")
    say(
        f"database: {kind}; cache: {cache}; server: serve.py (granian, "
        f"WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY') or 'cores'}, "
        f"SERVER_THREADS={os.environ.get('SERVER_THREADS') or '4'})"
    )
    for site in sites.values():
        for command, errors in site.skipped_checks:
            say(
                f"NOTE: manage.py {command} on the {site.label} site was stopped by the system "
                f"checks and run again with --skip-checks: {' '.join(e.strip() for e in errors)}"
            )
    if gen is None or "rss" not in report:
        say("the run did not finish; see above")
        return
    big_label = f"{report['article_count']:,} articles"
    say(
        f"big site: {gen['articles']:,} generated articles ({gen['drafts']} drafts, "
        f"{gen['scheduled']} scheduled) + the 45 demo ones, {gen['comments']:,} comments "
        f"(at most {gen['max_comments']:,} on one article), {gen['tags_total']:,} tags, "
        f"{gen['tagged']:,} tag links; generated in {gen['seconds']:.0f} s "
        f"({gen['rows'] / gen['seconds']:,.0f} rows/s; composing {gen['compose_seconds']:.0f} s, "
        f"inserting {gen['insert_seconds']:.0f} s); database {megabytes(gen['size'])} "
        f"({megabytes(report['final_size'])} at the end)"
    )
    say(
        f"pages: one request at a time on a keep-alive connection, {args.requests} each "
        f"(fewer when a row took over {args.row_seconds:g} s), p50 / p99 in ms "
        "(p99 of 50 is the slowest), "
        "the page cache bypassed with ?nocache=N unless said"
    )
    say()
    say(
        f"| page | {big_label}: p50 / p99 ms | size | demo: p50 / p99 ms | size | ratio (p50) "
        "| ratio per KB |"
    )
    say("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _, results in report["rows"]:
        big, demo = results["big"], results["demo"]
        if big["detail"]:
            name += f" ({big['detail']}; demo: {demo['detail']})"
        say(
            f"| {name} | {cell(big)} | {kilobytes(big['size'])} | {cell(demo)} | "
            f"{kilobytes(demo['size'])} | {big['p50'] / demo['p50']:.2f}x | {per_kilobyte(big, demo)} |"
        )
    (big_prepare, big_serve), (demo_prepare, demo_serve) = report["start_big"], report["start_demo"]
    say(
        f"| prepare_site (as make run) | {big_prepare * 1000:,.0f} | | {demo_prepare * 1000:,.0f} | "
        f"| {big_prepare / demo_prepare:.2f}x |"
    )
    say(
        f"| serve.py start to first 200 of / | {big_serve * 1000:,.0f} | | {demo_serve * 1000:,.0f} | "
        f"| {big_serve / demo_serve:.2f}x |"
    )
    rss = {
        label: max((r for _, r, _ in workers), default=0)
        for label, workers in report["rss"].items()
    }
    hwm = {
        label: max((h for _, _, h in workers), default=0)
        for label, workers in report["rss"].items()
    }
    say(
        f"| largest worker RSS after the traffic (peak) | {megabytes(rss['big'])} ({megabytes(hwm['big'])}) "
        f"| | {megabytes(rss['demo'])} ({megabytes(hwm['demo'])}) | | {rss['big'] / max(rss['demo'], 1):.2f}x |"
    )
    say()
    z = report["zipf"]
    say(
        f"Zipf (s=1.1) readers, wrk -t2 -c32, {args.rounds} x {args.seconds} s in turn, medians; "
        f"nginx serves the {report['nginx_pages'][0]} most read pages of the big site as files "
        f"(copied in {report['nginx_pages'][1]:.0f} s, at most {args.copy_seconds} s)"
    )
    say("| target | requests/s | p50 ms | p99 ms | non-2xx | socket errors | vs nginx | vs demo |")
    say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, name in (
        ("nginx", "nginx, static files"),
        ("demo", "demo site (45 articles)"),
        ("big", f"big site ({big_label})"),
    ):
        m = z[label]
        say(
            f"| {name} | {m['rps']:,.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {m['non2xx']:.0f} "
            f"| {m['errors']:.0f} | {m['rps'] / z['nginx']['rps']:.1%} | {m['rps'] / z['demo']['rps']:.1%} |"
        )
    say()
    for label, (rendered, seconds) in report.get("warm", {}).items():
        say(
            f"warm_pages, {label}: {rendered:,} article pages rendered into the store in "
            f"{seconds:.0f} s ({rendered / max(seconds, 0.001):,.0f} pages/s, 2 processes, "
            "beside the running site), before the Zipf and crawl rounds"
        )
    if not report.get("warm"):
        say("warm_pages: not run (--no-warm): the Zipf and crawl rounds start cold")
    crawl_rates = {}
    for label, c in report["crawl"].items():
        rate = c.get("pages", 0) / c["seconds"] if c.get("seconds") else 0.0
        crawl_rates[label] = rate
        bound = " (stopped at the time bound)" if c.get("pages", 0) < c["total"] else ""
        say(
            f"crawl, {label}: {c.get('pages', 0):,} of {c['total']:,} articles in "
            f"{c.get('seconds', 0):.1f} s{bound}, {rate:,.0f} pages/s at 8 connections "
            f"(crawler user agent, content version bumped first), p50 {c['p50']:.1f} ms, "
            f"p99 {c['p99']:.1f} ms, non-2xx {c['non2xx']}, socket errors {c['errors']}"
        )
    exact = {}
    for label, check in report["reads"].items():
        rises = {pk: check["after_flush"][pk] - check["before"][pk] for pk in check["ids"]}
        after_stop = {pk: check["after_stop"][pk] - check["before"][pk] for pk in check["ids"]}
        if not check["complete"]:
            # Requests still unanswered when wrk stopped may count or not.
            exact[label] = None
            wanted = check["expected"] * len(check["ids"])
            verdict = (
                f"NOT VERIFIED: the site answered too slowly to send all {wanted:,} "
                f"in {args.read_seconds} s (--read-seconds)"
            )
        else:
            wrong = [
                pk for pk in check["ids"] if not rises[pk] == after_stop[pk] == check["expected"]
            ]
            exact[label] = not wrong
            verdict = (
                "exact"
                if not wrong
                else (
                    f"MISMATCH on {len(wrong)} articles (id, after flush, after SIGTERM: "
                    f"{[(pk, rises[pk], after_stop[pk]) for pk in wrong[:3]]})"
                )
            )
        errors = (
            f"; non-2xx {check['non2xx']}, socket errors {check['errors']}"
            if check["non2xx"] or check["errors"]
            else ""
        )
        say(
            f"read counts, {label}: {check['sent']:,} reader GETs sent by wrk to "
            f"{len(check['ids'])} articles; 阅读量 rose by {sum(rises.values()):,} after the "
            f"flush ({check['waited']:.0f} s), {sum(after_stop.values()):,} after SIGTERM: "
            f"{verdict}{errors}"
        )

    say()
    say("targets (issue #12):")
    reader_misses = []
    for name, reader, results in report["rows"]:
        if reader:
            big, demo = results["big"], results["demo"]
            if big["p50"] >= 40 or big["p50"] > 1.5 * demo["p50"] or big["errors"]:
                per_kb = per_kilobyte(big, demo)
                reader_misses.append(
                    f"{name} {big['p50']:,.0f} ms = {big['p50'] / demo['p50']:.1f}x"
                    + (f" ({per_kb.split(' ')[0]} per KB)" if per_kb else "")
                )
    target(
        "every reader page on a miss within 1.5x of demo and < 40 ms p50",
        not reader_misses,
        "; ".join(reader_misses),
    )
    admin_misses = [
        f"{name} {r['big']['p50']:,.0f} ms, {kilobytes(r['big']['size'])}"
        for name, reader, r in report["rows"]
        if not reader
        and (r["big"]["p50"] >= 300 or r["big"]["size"] >= 300 * 1024 or r["big"]["errors"])
    ]
    target("admin changelists < 300 ms and < 300 KB", not admin_misses, "; ".join(admin_misses))
    target("start-up < 2 s (serve.py to first 200)", big_serve < 2, f"{big_serve:.2f} s")
    target(
        "no worker > 200 MB after the traffic",
        rss["big"] <= 200 * 1024 * 1024,
        f"largest {megabytes(rss['big'])}",
    )
    zb, zd = z["big"], z["demo"]
    target(
        "Zipf throughput >= 25% of demo, 0 errors, p99 < 250 ms",
        zb["rps"] >= 0.25 * zd["rps"] and not zb["non2xx"] and not zb["errors"] and zb["p99"] < 250,
        f"{zb['rps'] / zd['rps']:.1%} of demo, {zb['non2xx'] + zb['errors']:.0f} errors, "
        f"p99 {zb['p99']:,.0f} ms",
    )
    target("crawl >= 200 pages/s", crawl_rates["big"] >= 200, f"{crawl_rates['big']:,.0f} pages/s")
    words = {True: "exact", False: "mismatch", None: "not verified"}
    target(
        "read counts exact",
        all(v is True for v in exact.values()),
        ", ".join(f"{k}: {words[v]}" for k, v in exact.items()),
    )
    say(f"\n{report['kind']} run: {report['seconds'] / 60:.1f} min")


def target(text, met, detail):
    say(f"  [{'met' if met else 'MISSED'}] {text}: {detail or 'yes'}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=50, help="requests per page row")
    parser.add_argument("--row-seconds", type=float, default=15, help="time budget of a page row")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15, help="of each Zipf run")
    parser.add_argument("--crawl-seconds", type=int, default=60)
    parser.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="skip manage.py warm_pages before the Zipf and crawl rounds",
    )
    parser.add_argument(
        "--copy-seconds", type=int, default=60, help="to copy pages for nginx (at most 300)"
    )
    parser.add_argument("--read-requests", type=int, default=2000)
    parser.add_argument("--read-seconds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} is missing (make bench-scale installs it)")
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in kinds:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", 5432)):
                raise SystemExit("bench: PostgreSQL is not answering on 127.0.0.1:5432")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", 6379)):
                raise SystemExit("bench: Redis is not answering on 127.0.0.1:6379")
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="forum-scale-"))
    root.chmod(0o755)
    try:
        for kind in kinds:
            bench_database(kind, args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    say(f"\nbench-scale: {(time.perf_counter() - started) / 60:.1f} min in all")


if __name__ == "__main__":
    sys.exit(main())
