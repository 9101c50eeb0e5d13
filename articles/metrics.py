"""The site's Prometheus metrics and `/metrics`, which serves them to the
addresses in METRICS_ALLOWED_ADDRESSES only (404 for every other one).

prometheus_client in its multiprocess mode: granian runs several worker
processes, and each process writes its values to memory-mapped files in
PROMETHEUS_MULTIPROC_DIR (set by serve.py, emptied when the server starts);
whichever worker answers a scrape adds up every process's files, those of
workers that have died included, so no counted event is lost with a worker.
Without that variable (tests, `manage.py` commands) the values live in the
process.

- `forum_page_cache_requests_total{result="hit"|"miss"}`: cacheable
  requests answered from the page cache in front of Django, or not;
- `forum_reads_pending_memory`, `forum_reads_pending_redis`: counted reads
  not yet in the database, in the live processes' memory and in Redis;
- `forum_read_flush_failures_total`: batches of reads the database refused
  (kept and written at a later flush).
"""

import contextlib
import ipaddress
import os
import re
from pathlib import Path

from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

METRICS_PATH = "/metrics"

PAGE_CACHE = Counter(
    "forum_page_cache_requests",
    "Cacheable requests answered from the page cache (hit) or by Django (miss).",
    ["result"],
)
PAGE_CACHE_HIT = PAGE_CACHE.labels("hit")
PAGE_CACHE_MISS = PAGE_CACHE.labels("miss")
READS_IN_MEMORY = Gauge(
    "forum_reads_pending_memory",
    "Counted reads held in this process's memory, not yet in the database.",
    multiprocess_mode="livesum",
)
READ_FLUSH_FAILURES = Counter(
    "forum_read_flush_failures",
    "Batches of read counts the database refused (kept for the next flush).",
)

_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


class PendingInRedis:
    """forum_reads_pending_redis, read from Redis at scrape time."""

    def collect(self):
        from . import reads_redis
        from .cache import CacheUnavailable

        family = GaugeMetricFamily(
            "forum_reads_pending_redis",
            "Counted reads held in Redis, not yet in the database.",
        )
        store = reads_redis.shared_store()
        # No sample while Redis is down (the memory gauge counts meanwhile).
        if store is not None:
            with contextlib.suppress(CacheUnavailable):
                family.add_metric([], reads_redis.total_pending(store))
        yield family


def _forget_dead_processes(folder):
    """A killed worker's live gauges would count for ever: its files go."""
    for path in Path(folder).glob("gauge_live*.db"):
        match = _LIVE_GAUGE_FILE.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)
        except PermissionError:
            pass  # another user's process: alive


def exposition() -> bytes:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        _forget_dead_processes(folder)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, folder)
    else:
        registry = REGISTRY  # this process's own values
    redis = CollectorRegistry()
    redis.register(PendingInRedis())
    return generate_latest(registry) + generate_latest(redis)


def allowed(address: str) -> bool:
    """Whether `address` (the connecting peer, REMOTE_ADDR) may read /metrics."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        peer in ipaddress.ip_network(item, strict=False)
        for item in settings.METRICS_ALLOWED_ADDRESSES
    )


def wsgi_answer(environ, start_response):
    """/metrics in front of Django (pagecache/wsgi.py), like the health checks.
    The peer's own address decides, never X-Forwarded-For: Prometheus scrapes
    each app server directly, and nginx answers /metrics 404 itself."""
    if not allowed(environ.get("REMOTE_ADDR", "")):
        body, status, content_type = b"Not Found", "404 Not Found", "text/plain; charset=utf-8"
    else:
        body, status, content_type = exposition(), "200 OK", CONTENT_TYPE_LATEST
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
