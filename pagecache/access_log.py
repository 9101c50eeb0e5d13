"""One JSON line per request (REQUEST_LOG=json), written at the WSGI layer
so that pages answered by the fast path are logged too (forum/wsgi.py).

Each line: time (UTC, ISO 8601), request_id (the proxy's X-Request-ID when
it sends a plausible one, else a new one; sent back as X-Request-ID),
method, path, status, duration_ms (until the app returned its body), cache
(hit, miss, or null for pages the page cache does not handle). No client
address, user agent, cookie or query string is logged (search queries stay
out of the logs). The lines go to the `forum.requests` logger, to stdout.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings

logger = logging.getLogger("forum.requests")
REQUEST_ID_RE = re.compile(r"\A[A-Za-z0-9._-]{8,64}\Z")


def with_request_log(app):
    """`app` with one JSON line logged per request, when REQUEST_LOG=json."""
    if settings.REQUEST_LOG != "JSON":
        return app

    def application(environ, start_response):
        started = time.perf_counter()
        request_id = environ.get("HTTP_X_REQUEST_ID", "")
        if not REQUEST_ID_RE.match(request_id):
            request_id = uuid.uuid4().hex
        seen = {"status": None, "cache": None}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            for name, value in headers:
                if name.lower() == "x-page-cache":
                    seen["cache"] = value
            headers = [*headers, ("X-Request-ID", request_id)]
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        try:
            return app(environ, recording_start_response)
        finally:
            line = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": request_id,
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"),
                "status": seen["status"] or 500,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "cache": seen["cache"],
            }
            logger.info(json.dumps(line, ensure_ascii=False))

    return application
