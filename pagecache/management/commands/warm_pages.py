"""manage.py warm_pages: render every article page into the page store ahead
of the readers and crawlers (what DedeCMS calls 生成 HTML).

    manage.py warm_pages --host www.example.com [--https] [--processes 2]
                         [--limit N]

Each public article page that the store does not already hold as it is now
is rendered through Django, as an anonymous visitor that is not a reader
(no read is counted), and stored by the page cache's middleware, under the
address readers use (--host, the Host header they send; --https behind a
proxy that terminates TLS). Pages already held and current are skipped, so
running it again after an interruption, or every night, costs one lookup
per page. It pays off with a store every server shares (Redis) or with the
file store of one machine (pagecache/filecache.py); with the local-memory
cache of a single process it would fill only its own memory, so it refuses.

Run it after an import, or after `refresh_pages`. Progress and a summary are
printed; a page that does not answer 200 is counted and named.
"""

import json
import os
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.urls import reverse

from articles.models import Article
from articles.pages import article_state
from articles.version import version

from ... import keys
from ...entries import page_store
from ...refresh import refresh_environ
from ...wsgi import usable

CHUNK = 2000


class Command(BaseCommand):
    help = "预先生成所有文章页面并存入页面缓存(类似 DedeCMS 的“生成 HTML”),已是最新的页面跳过。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", required=True, help="读者访问的域名(及端口),如 www.example.com"
        )
        parser.add_argument("--https", action="store_true", help="读者通过 https 访问")
        parser.add_argument("--processes", type=int, default=1, help="并行的进程数(默认 1)")
        parser.add_argument("--limit", type=int, default=0, help="最多生成多少篇(默认全部)")

    def handle(self, *args, host, https, processes, limit, **options):
        if isinstance(page_store(), LocMemCache):
            raise CommandError(
                "页面缓存在单个进程的内存里,预生成的页面其他进程看不到:请配置 REDIS_URL,"
                "或使用文件页面缓存(不设 REDIS_URL 时的默认设置)。"
            )
        if processes < 1:
            raise CommandError("--processes 至少为 1。")
        ids = list(Article.objects.published().order_by("pk").values_list("pk", "category__slug"))
        if limit:
            ids = ids[:limit]
        started = time.perf_counter()
        self.stdout.write(f"共 {len(ids):,} 篇已发布文章,{processes} 个进程。")
        if processes == 1:
            totals = warm(ids, host, https, self.stdout.write)
        else:
            totals = self._in_processes(ids, host, https, processes)
        seconds = time.perf_counter() - started
        rendered, skipped, failed = totals["rendered"], totals["skipped"], totals["failed"]
        rate = rendered / seconds if seconds else 0
        self.stdout.write(
            f"完成:生成 {rendered:,} 页,已是最新跳过 {skipped:,} 页,失败 {len(failed):,} 页;"
            f"用时 {seconds:.0f} 秒(每秒 {rate:,.0f} 页)。"
        )
        for path, status in failed[:20]:
            self.stdout.write(f"  未生成:{path}({status})")

    def _in_processes(self, ids, host, https, processes):
        connections.close_all()  # each child opens its own
        children = []
        for index in range(processes):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: its share, its totals back through the pipe
                os.close(read)
                code = 1
                try:
                    share = ids[index::processes]
                    say = self.stdout.write if index == 0 else (lambda _line: None)
                    totals = warm(share, host, https, say, scale=processes)
                    with os.fdopen(write, "w") as out:
                        json.dump(totals, out)
                    code = 0
                finally:
                    os._exit(code)
            os.close(write)
            children.append((pid, read))
        totals = {"rendered": 0, "skipped": 0, "failed": []}
        for pid, read in children:
            with os.fdopen(read) as answer:
                text = answer.read()
            _pid, status = os.waitpid(pid, 0)
            if status or not text:
                raise CommandError(
                    "一个生成进程异常退出,请查看上面的错误信息后重新运行(已生成的页面会跳过)。"
                )
            part = json.loads(text)
            totals["rendered"] += part["rendered"]
            totals["skipped"] += part["skipped"]
            totals["failed"] += part["failed"]
        return totals


def warm(ids, host, https, say, scale=1):
    """Render the pages of `ids` ((pk, category slug) pairs) not already held."""
    app = WSGIHandler()
    store = page_store()
    scheme = "https" if https else "http"
    name, _, port = host.partition(":")
    base = {
        "HTTP_HOST": host,
        "SERVER_NAME": name,
        "SERVER_PORT": port or ("443" if https else "80"),
        "wsgi.url_scheme": scheme,
        "QUERY_STRING": "",
    }
    if https and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        base["HTTP_X_FORWARDED_PROTO"] = "https"
    totals = {"rendered": 0, "skipped": 0, "failed": []}
    last = time.perf_counter()
    for done, (pk, slug) in enumerate(ids, 1):
        # as a WSGI server passes PATH_INFO (UTF-8 bytes read as Latin-1)
        path = reverse("articles:detail", kwargs={"category": slug, "pk": pk})
        path = path.encode().decode("latin-1")
        environ = refresh_environ({**base, "PATH_INFO": path})
        key = keys.key(environ)
        if _current(store.get(key), pk):
            totals["skipped"] += 1
            continue
        seen = {}

        def start_response(status, headers, exc_info=None, seen=seen):
            seen["status"] = status

        answer = app(environ, start_response)
        for _chunk in answer:
            pass
        answer.close()
        if seen.get("status", "").startswith("200"):
            totals["rendered"] += 1
        else:
            totals["failed"].append((path, seen.get("status", "?")))
        if time.perf_counter() - last >= 10:
            last = time.perf_counter()
            say(f"  已处理约 {done * scale:,} 篇……")
    return totals


def _current(entry, pk):
    """Whether a stored article page is as its article and the site are now."""
    if not usable(entry) or entry.row is None or entry.version != version.current():
        return False
    state = article_state(pk)
    return state is not None and state[1] == entry.row
