"""gunicorn settings used by `make run` (see README: Production)."""

import multiprocessing
import os
import sys

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
keepalive = 5
timeout = 30
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-" if os.environ.get("ACCESS_LOG") else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_exit(server, worker):
    """Write the worker's unflushed read counts before it goes."""
    counter = sys.modules.get("articles.reads")
    if counter is not None:  # only in workers that served the site
        counter.reads.flush()
