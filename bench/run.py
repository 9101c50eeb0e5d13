"""`make bench`: the site's speed against nginx and a bare WSGI app, measured
in the same run on this machine (ratios, not absolute numbers, are what to
compare between runs: the machine is shared and noisy).

It starts the site the way `make run` does (fresh SQLite database in a temp
folder, manage.py prepare_site, the same server: serve.py), saves one article
page as a static file served by a private nginx (the physical ceiling),
serves the same bytes from a bare WSGI app on the same server and
configuration (the ceiling of Python serving), puts a second private nginx
running the shipped site config (deploy/nginx/forum.conf) in front of the
site (the article as readers behind the production proxy get it), then loads every target with
wrk in alternation for several rounds and prints medians. Then: the
read-count check (exactly N reader requests must add exactly N reads within
60 s) and 60 s of mixed load with comment posts.
"""

import argparse
import base64
import contextlib
import hashlib
import http.client
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = ROOT / ".venv" / "bin" / "python"
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: {url} did not answer in {timeout} s")


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers={"User-Agent": UA, **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


class Stack:
    """The site, the bare app and nginx, started and stopped together."""

    def __init__(self, tmp, env):
        self.tmp, self.env, self.procs = tmp, env, []
        self.site_port, self.bare_port, self.nginx_port = free_port(), free_port(), free_port()

    def start_site(self):
        subprocess.run(
            [str(PY), "manage.py", "prepare_site", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self._spawn([str(PY), "serve.py"], {**self.env, "PORT": str(self.site_port)})
        wait_for(f"http://127.0.0.1:{self.site_port}/")

    def start_references(self, body):
        page = self.tmp / "static" / "article.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(body)
        env = {
            **self.env,
            "BENCH_BODY_FILE": str(page),
            "PORT": str(self.bare_port),
            "SERVER_TARGET": "bench.bare_app:application",
        }
        self._spawn([str(PY), "serve.py"], env)
        conf = self.tmp / "nginx.conf"
        conf.write_text(f"""
worker_processes auto;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {self.tmp}/nginx-body;
  proxy_temp_path {self.tmp}/nginx-proxy;
  fastcgi_temp_path {self.tmp}/nginx-fastcgi;
  uwsgi_temp_path {self.tmp}/nginx-uwsgi;
  scgi_temp_path {self.tmp}/nginx-scgi;
  sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{self.nginx_port};
    root {page.parent};
    default_type "text/html; charset=utf-8";
  }}
}}
""")
        subprocess.run(["nginx", "-p", str(self.tmp), "-c", str(conf)], check=True)
        wait_for(f"http://127.0.0.1:{self.bare_port}/")
        wait_for(f"http://127.0.0.1:{self.nginx_port}/article.html")

    def start_proxy(self):
        """A private nginx running the shipped site config
        (deploy/nginx/forum.conf, as the fault tests adapt it: plain HTTP on
        127.0.0.1, this run's folders) in front of the site, logging off
        like the static reference."""
        sys.path.insert(0, str(ROOT))
        from faults.stack import Nginx

        proxy = Nginx(self.tmp, [f"127.0.0.1:{self.site_port}", "unused"])
        site = re.sub(r"\n\s*server unused[^;]*;", "", proxy.site_config())
        folder = proxy.folder
        conf = folder / "nginx.conf"
        conf.write_text(f"""
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  default_type application/octet-stream;
{site}
}}
""")
        subprocess.run(["nginx", "-p", str(folder), "-c", str(conf)], check=True)
        self.proxy_conf = conf
        wait_for(f"{proxy.url}/robots.txt")
        return proxy.url

    def _spawn(self, command, env):
        # Each server's output in a file of the run's folder, to read when
        # a row reports errors: Django writes their tracebacks to stderr.
        log = open(self.tmp / f"server-{env.get('PORT', len(self.procs))}.log", "ab")  # noqa: SIM115
        with log:
            self.procs.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    start_new_session=True,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def stop(self):
        subprocess.run(
            ["nginx", "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf"), "-s", "stop"],
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if getattr(self, "proxy_conf", None):
            folder = str(self.proxy_conf.parent)
            subprocess.run(
                ["nginx", "-p", folder, "-c", str(self.proxy_conf), "-s", "stop"],
                stderr=subprocess.DEVNULL,
                check=False,
            )
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # graceful: workers flush their reads
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wrk(url, *, threads=2, connections=32, seconds=8, script=None, env=None):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"User-Agent: {UA}",
    ]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        command + [url],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    ).stdout
    return parse_wrk(out)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    as_ms = lambda text: _ms(*re.match(r"([\d.]+)(\w+)", text).groups())  # noqa: E731
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    target_sent = re.search(r"target requests sent: (\d+)", out)
    return {
        "rps": rps,
        "p50": as_ms(latency["50"]),
        "p99": as_ms(latency["99"]),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(map(int, errors.groups())) if errors else 0,
        "requests": total,
        "target_sent": int(target_sent.group(1)) if target_sent else 0,
    }


def clear_cache(db):
    """Empty every server process's page and fragment cache at once: they
    are keyed on the content version, which the processes re-read each
    second."""
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE articles_contentversion SET version = version + 1")
    time.sleep(1.2)


def fully_cold_renders(site_port, path, db, article_id, count=20):
    """Latency of an article page rendered from nothing, one request at a
    time: before each, the content version is bumped and the article's
    comments are stamped, so the page, the cached article data, 上一篇/下一篇,
    相关文章, the sidebar and navigation fragments and the comment list are
    all rebuilt (every query of the page's budget runs again)."""
    times, misses = [], 0
    conn = http.client.HTTPConnection("127.0.0.1", site_port, timeout=10)
    for _ in range(count):
        with sqlite3.connect(db) as connection:
            connection.execute("UPDATE articles_contentversion SET version = version + 1")
            connection.execute(
                "UPDATE articles_article SET comments_changed_at = ? WHERE id = ?",
                (datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), article_id),
            )
        time.sleep(1.2)  # every server process re-reads the version within 1 s
        started = time.perf_counter()
        conn.request("GET", path, headers={"User-Agent": UA})
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        misses += response.getheader("X-Page-Cache") == "miss"
    conn.close()
    return statistics.median(times), max(times), misses, count


def views_of(db, article_id):
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT views FROM articles_article WHERE id = ?", (article_id,)
        ).fetchone()[0]


def hardware():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    memory = (
        int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        // 1024
        // 1024
    )
    return f"{os.cpu_count()} cores ({model}), {memory} GiB RAM, Python {platform.python_version()}"


def comment_poster(base, article_ids, stop_at, results, number):
    """One reader posting comments the way the browser does."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    n = 0
    while time.time() < stop_at - 4:
        n += 1
        article_id = article_ids[(number + n) % len(article_ids)]
        text = f"压测评论 {number}-{n}:这篇讲得很实用。"
        try:
            with opener.open(
                urllib.request.Request(
                    f"{base}/comments/captcha/?article={article_id}", headers={"User-Agent": UA}
                )
            ) as r:
                captcha = json.load(r)
            time.sleep(3.2)  # a person reads the image and types
            data = urllib.parse.urlencode(
                {
                    "nickname": f"压测{number}",
                    "body": text,
                    "captcha": "PASSED",
                    "captcha_key": captcha["key"],
                    "altcha": solve_proof(captcha["pow"]) if captcha.get("pow") else "",
                    "csrfmiddlewaretoken": captcha["csrf_token"],
                }
            ).encode()
            request = urllib.request.Request(
                f"{base}/comments/{article_id}/post/",
                data=data,
                headers={"User-Agent": UA, "Referer": base + "/"},
            )
            try:
                opener.open(request)
                results.append((article_id, text, "no redirect"))
            except urllib.error.HTTPError as error:
                ok = error.code == 302 and "comment=posted" in error.headers.get("Location", "")
                results.append((article_id, text, "ok" if ok else f"HTTP {error.code}"))
        except Exception as error:  # counted as a failure, shown in the report
            results.append((article_id, text, f"error {error!r}"))
            time.sleep(1)  # a person would not retry at once


def solve_proof(challenge):
    """The comment form's proof of work, as the browser's script finds it
    (comments/proof.py; no Django here)."""
    for number in range(challenge["maxnumber"] + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            fields = ("algorithm", "challenge", "salt", "signature")
            payload = {key: challenge[key] for key in fields} | {"number": number}
            return base64.b64encode(json.dumps(payload).encode()).decode()
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--count-requests", type=int, default=20000)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} is missing (make bench installs it)")

    tmp = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    tmp.chmod(0o755)  # nginx workers run as an unprivileged user
    db = tmp / "bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CAPTCHA_TEST_MODE": "1",
        # Every simulated reader posts from 127.0.0.1.
        "COMMENT_RATE_LIMIT": "1000000/60",
        "CAPTCHA_RATE_LIMIT": "1000000/60",
        "SEARCH_RATE_LIMIT": "1000000/60",
        "SEARCH_SUGGEST_RATE_LIMIT": "1000000/60",
    }
    stack = Stack(tmp, env)
    try:
        stack.start_site()
        site = f"http://127.0.0.1:{stack.site_port}"
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "SELECT a.id, c.slug FROM articles_article a JOIN articles_category c "
                "ON c.id = a.category_id WHERE a.status = 'published' ORDER BY a.id"
            ).fetchall()
            category = connection.execute(
                "SELECT slug FROM articles_category ORDER BY id"
            ).fetchone()[0]
            tag = connection.execute(
                "SELECT t.slug FROM taggit_tag t JOIN taggit_taggeditem i ON i.tag_id = t.id "
                "GROUP BY t.id ORDER BY COUNT(*) DESC"
            ).fetchone()[0]
        article_id, article_slug = rows[len(rows) // 2]
        article = f"/{article_slug}/{article_id}.html"
        body = fetch(site + article)
        stack.start_references(body)
        proxied = stack.start_proxy()

        tag_path = "/tags/" + urllib.parse.quote(tag) + "/"
        targets = [
            ("nginx static file (reference)", f"http://127.0.0.1:{stack.nginx_port}/article.html"),
            ("bare WSGI app (ceiling)", f"http://127.0.0.1:{stack.bare_port}/"),
            ("article (warm)", site + article),
            ("article (warm) behind nginx (deploy/nginx/forum.conf)", proxied + article),
            ("article (cold: cache cleared before the round)", site + article),
            ("article (every request rendered)", site + article + "?bench=uncached"),
            ("home", site + "/"),
            ("category page", site + f"/{category}/"),
            ("tag page", site + tag_path),
            ("/sitemap.xml", site + "/sitemap.xml"),
            ("/feed/", site + "/feed/"),
        ]
        print(f"hardware: {hardware()}")
        print(
            f"server: granian via serve.py (WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'cores')}, "
            f"SERVER_THREADS={os.environ.get('SERVER_THREADS', '4')}), "
            f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory'}, database: SQLite (WAL)"
        )
        print(
            f"page: {article} ({len(body):,} bytes); wrk -t2 -c32 -d{args.seconds}s, "
            f"{args.rounds} rounds in alternation, medians\n",
            flush=True,
        )
        results = {name: [] for name, _ in targets}
        for round_number in range(1, args.rounds + 1):
            for name, url in targets:
                if name.startswith("article (cold"):
                    clear_cache(db)
                results[name].append(wrk(url, seconds=args.seconds))
            print(f"  round {round_number}/{args.rounds} done", flush=True)
        clear_cache(db)
        cold_single = wrk(site + article, threads=1, connections=1, seconds=5)
        rendered_single = wrk(
            site + article + "?bench=uncached", threads=1, connections=1, seconds=5
        )

        cold_p50, cold_max, cold_misses, cold_count = fully_cold_renders(
            stack.site_port, article, db, article_id
        )

        median = {
            name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for name, runs in results.items()
        }
        static = median[targets[0][0]]["rps"]
        bare = median[targets[1][0]]["rps"]
        print()
        print(
            "| target | requests/s | p50 ms | p99 ms | non-2xx | socket errors | vs nginx | vs bare app |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, _ in targets:
            m = median[name]
            print(
                f"| {name} | {m['rps']:,.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['non2xx']:.0f} "
                f"| {m['errors']:.0f} | {m['rps'] / static:.1%} | {m['rps'] / bare:.1%} |"
            )
        print(
            f"\nat 1 connection: article, cache cleared first: {cold_single['rps']:,.0f} requests/s, "
            f"p50 {cold_single['p50']:.2f} ms, p99 {cold_single['p99']:.2f} ms; "
            f"article rendered on every request: {rendered_single['rps']:,.0f} requests/s, "
            f"p50 {rendered_single['p50']:.2f} ms, p99 {rendered_single['p99']:.2f} ms"
        )
        print(
            f"article rendered from nothing (content version bumped and comments stamped "
            f"before each of {cold_count} requests, 1 connection): p50 {cold_p50:.2f} ms, "
            f"max {cold_max:.2f} ms ({cold_misses}/{cold_count} answered as page-cache misses)"
        )

        # Read counts: exactly N reader requests, then poll the database.
        time.sleep(12)  # let the earlier runs' reads reach the database
        before = views_of(db, article_id)
        per_thread = args.count_requests // 2
        warm_rps = median["article (warm)"]["rps"]
        seconds = min(300, int(args.count_requests / max(warm_rps * 0.5, 1)) + 10)
        run = wrk(
            site + "/",
            seconds=seconds,
            script=BENCH / "count.lua",
            env={"BENCH_LIMIT_PER_THREAD": str(per_thread), "BENCH_TARGET": article},
        )
        sent = per_thread * 2
        if run["requests"] < sent + 64:
            print(
                f"\nread-count check: wrk finished only {run['requests']} requests; raise the duration"
            )
        started = time.time()
        while time.time() - started < 60 and views_of(db, article_id) - before < sent:
            time.sleep(1)
        waited = time.time() - started
        time.sleep(3)
        added = views_of(db, article_id) - before
        verdict = "OK" if added == sent else "MISMATCH"
        print(
            f"\nread-count check: {sent:,} reader requests sent by wrk, 阅读量 went up by {added:,} "
            f"after {waited:.0f} s: {verdict} (non-2xx {run['non2xx']}, socket errors {run['errors']})"
        )

        # Mixed load with comment posts.
        paths = tmp / "paths.txt"
        article_paths = [f"/{slug}/{pk}.html" for pk, slug in rows[:25]]
        paths.write_text(
            "\n".join(
                article_paths * 3
                + [
                    "/",
                    f"/{category}/",
                    tag_path,
                    "/sitemap/",
                    "/sitemap.xml",
                    "/sitemap-articles.xml",
                    "/feed/",
                    "/robots.txt",
                    "/search/?q=" + urllib.parse.quote("主图"),
                    "/search/?q=" + urllib.parse.quote("直播"),
                    "/search/?q=" + urllib.parse.quote("选品 流量"),
                ]
            )
            + "\n"
        )
        stop_at = time.time() + args.mixed_seconds
        posted = []
        posters = [
            threading.Thread(
                target=comment_poster, args=(site, [pk for pk, _ in rows[:25]], stop_at, posted, n)
            )
            for n in range(4)
        ]
        for thread in posters:
            thread.start()
        mixed = wrk(
            site + "/",
            connections=64,
            seconds=args.mixed_seconds,
            script=BENCH / "mixed.lua",
            env={"BENCH_PATHS": str(paths)},
        )
        for thread in posters:
            thread.join()
        accepted = [(pk, text) for pk, text, status in posted if status == "ok"]
        failed = [status for _, _, status in posted if status != "ok"]
        with sqlite3.connect(db) as connection:
            stored = {
                row[0]
                for row in connection.execute(
                    "SELECT body FROM comments_comment WHERE status = 'approved'"
                )
            }
        slugs = dict(rows)
        shown = 0
        for pk, text in accepted:
            if text in fetch(f"{site}/{slugs[pk]}/{pk}.html").decode():
                shown += 1
        missing = sum(1 for _, text in accepted if text not in stored)
        print(
            f"\nmixed load, {args.mixed_seconds} s at 64 connections: {mixed['rps']:,.0f} requests/s, "
            f"p50 {mixed['p50']:.2f} ms, p99 {mixed['p99']:.2f} ms, non-2xx {mixed['non2xx']}, "
            f"socket errors {mixed['errors']}"
        )
        print(
            f"comments posted during it: {len(accepted)} accepted, {len(failed)} failed "
            f"{sorted(set(failed))[:3] if failed else ''}; stored {len(accepted) - missing}/{len(accepted)}, "
            f"shown on their pages {shown}/{len(accepted)}"
        )
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
