"""The production server: granian (WSGI), used by `make run` and `make bench`.

Chosen by measurement on this 2-core machine (`make bench`, and the server
comparison in the commit that introduced this file): serving the cached
article page, granian reached about 5x the requests per second of gunicorn
(sync or gthread) with the same Django app, because its HTTP handling runs in
Rust threads outside the GIL.

Run: `python serve.py` (PORT, WEB_CONCURRENCY and SERVER_THREADS from the
environment; SERVER_TARGET serves another WSGI app with the same settings,
as `make bench` does for its bare reference app). Keep-alive is on; workers that die are started again; each
worker is replaced gracefully after SERVER_WORKER_LIFETIME seconds, and
stopping (Ctrl-C, SIGTERM) lets requests in flight finish for up to
SERVER_KILL_TIMEOUT seconds, after which the read counter writes what it
holds. Request limits: headers must arrive within 10 s; request bodies are
limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE, the image size limit), and a
reverse proxy in front should cap them too (e.g. nginx client_max_body_size).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

CHILD_FLAG = "SERVE_PY_CHILD"


def env_int(name, default):
    return int(os.environ.get(name) or default)


def build(target=None, **overrides):
    target = target or os.environ.get("SERVER_TARGET") or "forum.wsgi:application"
    settings = {
        "address": os.environ.get("HOST") or "127.0.0.1",
        "port": env_int("PORT", 8000),
        "interface": Interfaces.WSGI,
        # One worker per core: the HTTP side is Rust, each worker's Python
        # runs on its own core; a few threads per worker cover database waits.
        "workers": env_int("WEB_CONCURRENCY", os.cpu_count() or 1),
        "blocking_threads": env_int("SERVER_THREADS", 4),
        "backlog": 2048,
        "http1_settings": HTTP1Settings(keep_alive=True, header_read_timeout=10_000),
        "respawn_failed_workers": True,
        "workers_lifetime": env_int("SERVER_WORKER_LIFETIME", 6 * 3600),
        "workers_kill_timeout": env_int("SERVER_KILL_TIMEOUT", 20),
        "log_access": (os.environ.get("ACCESS_LOG") or "").strip().lower()
        in {"1", "true", "yes", "on"},
    }
    settings.update(overrides)
    return Granian(target, **settings)


def supervise():
    """Run granian in a session of its own and stop it with one SIGTERM.

    Ctrl-C in a terminal sends SIGINT to every process of the foreground
    group; granian's workers, signalled both by the terminal and by their
    parent, then refuse to stop and are killed 20 s later, losing the reads
    they hold. Granian alone in its session gets a single, clean SIGTERM."""
    child = subprocess.Popen(
        [sys.executable, __file__], env={**os.environ, CHILD_FLAG: "1"}, start_new_session=True
    )

    def stop(signum, frame):
        child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return child.wait()


def fresh_metrics_folder():
    """The folder where every worker writes its Prometheus values
    (articles/metrics.py), emptied at start: PROMETHEUS_MULTIPROC_DIR, or one
    per address and port in the temporary folder."""
    address = os.environ.get("HOST") or "127.0.0.1"
    default = os.path.join(
        tempfile.gettempdir(), f"forum-metrics-{address}-{env_int('PORT', 8000)}"
    )
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or default
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


if __name__ == "__main__":
    if os.environ.get(CHILD_FLAG):
        fresh_metrics_folder()
        build().serve()
    else:
        sys.exit(supervise())
