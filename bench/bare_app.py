"""The ceiling of Python serving: a WSGI app that returns fixed bytes.

`make bench` serves it with the same server and configuration as the site,
returning the same article HTML, so the site can be measured against it.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
