"""How long Django takes to render an article page, in process (no server,
no network): the part of a page-cache miss that is ours to make faster.

    .venv/bin/python bench/render.py [--count 400] [--profile]

On a fresh SQLite database in a temporary folder, prepared as `make run`
does (manage.py prepare_site: the demo content, the static files), it
calls the WSGI application directly, as the server would, and prints the
median and 90th percentile of:

- "re-render": the page cache bypassed (a query string it ignores), with the
  cached article data, comments and fragments of earlier renders: what a
  page costs when its 30 s page-cache entry has run out;
- "from nothing": the whole cache emptied before each request: what the
  first request after a content change costs.

--profile prints cProfile's top functions of both (cumulative time).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def prepare(tmp):
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'render.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "PAGE_CACHE_DIR": str(tmp / "pages"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "forum.settings",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the local cache: this measures Django, not Redis
    subprocess.run(
        [sys.executable, "manage.py", "prepare_site", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="forum-render-") as folder:
        prepare(Path(folder))
        django.setup()
        from django.core.cache import cache

        from articles.models import Article
        from forum.wsgi import application
        from pagecache.entries import page_store

        def empty_caches():
            cache.clear()
            page_store().clear()  # the rendered pages are kept apart (files, or Redis)

        articles = Article.objects.published().order_by("id")
        path = articles[len(articles) // 2].get_absolute_url()

        def request(query):
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "HTTP_HOST": "127.0.0.1",
                "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": True,
            }
            answers = []
            body = b"".join(application(environ, lambda *answer: answers.append(answer)))
            status, headers = answers[0]
            assert status.startswith("200") and body, status
            # Rendered by Django, not served by the page cache's fast path.
            assert ("X-Page-Cache", "hit") not in headers, "served from the page cache"

        kinds = {
            # A parameter the page cache does not know (tracking tags like
            # ?from= are served from the cache).
            "re-render (page cache bypassed)": (lambda: None, "bench=uncached"),
            "from nothing (caches emptied before each)": (empty_caches, ""),
        }
        print(f"article {path}, {args.count} requests each, in process (WSGI, no server)")
        for name, (before, query) in kinds.items():
            for _ in range(20):  # warm up imports, templates, connections
                before()
                request(query)
            times = []
            for _ in range(args.count):
                before()
                started = time.perf_counter()
                request(query)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(
                f"  {name}: p50 {statistics.median(times):.2f} ms, "
                f"p90 {times[int(len(times) * 0.9)]:.2f} ms"
            )
            if args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.count):
                    before()
                    request(query)
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
