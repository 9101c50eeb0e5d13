"""The Content-Security-Policy's violation reports: browsers POST them to
/csp-report/ (the policy's report-uri), and each is logged as one line on
the "security.csp" logger. Bounded: an address gets at most
CSP_REPORT_RATE_LIMIT reports a window looked at, a body over
REPORT_MAX_BYTES is refused (413) and a body that is not a report (junk,
wrong JSON) is dropped. Dropped reports are answered 204 like the others, so
a flood of them writes no log line (Django logs every 4xx answer). The policy itself is CONTENT_SECURITY_POLICY in the settings."""

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.limits import client_ip, count_attempt

logger = logging.getLogger("security.csp")

REPORT_MAX_BYTES = 16 * 1024
# The report's fields worth a line, each cut to FIELD_MAX_CHARS.
FIELDS = (
    "document-uri",
    "violated-directive",
    "effective-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "script-sample",
)
FIELD_MAX_CHARS = 300
# The newer Reporting API (application/reports+json) names them in camelCase.
CAMEL = {
    "documentURL": "document-uri",
    "effectiveDirective": "effective-directive",
    "blockedURL": "blocked-uri",
    "sourceFile": "source-file",
    "lineNumber": "line-number",
    "sample": "script-sample",
}


def violations(data):
    """The violation bodies in a report: {"csp-report": {...}} (report-uri)
    or [{"type": "csp-violation", "body": {...}}, ...] (report-to)."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        found = []
        for item in data[:20]:
            if isinstance(item, dict) and isinstance(item.get("body"), dict):
                body = item["body"]
                found.append({CAMEL.get(k, k): v for k, v in body.items()})
        return found
    return []


def summary(violation):
    return {name: str(violation[name])[:FIELD_MAX_CHARS] for name in FIELDS if name in violation}


@csrf_exempt  # browsers send reports without a token (and without cookies)
@require_POST
def report(request):
    if count_attempt("security:csp", client_ip(request), settings.CSP_REPORT_RATE_LIMIT):
        return HttpResponse(status=204)
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    raw = request.read(REPORT_MAX_BYTES + 1)
    if len(raw) > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        found = violations(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        found = []
    for violation in found:
        logger.warning(
            "CSP violation: %s", json.dumps(summary(violation), ensure_ascii=False, sort_keys=True)
        )
    return HttpResponse(status=204)
