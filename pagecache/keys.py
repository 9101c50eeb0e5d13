"""Which requests the page cache answers, and the cache key of each.

A request is cacheable when it is a GET or HEAD without a session cookie
(anonymous) and with no query parameters but the page number and tracking
tags, which share the page's entry. Both the middleware (storing) and the
WSGI fast path (serving) key requests here, so they always agree.
"""

import re
from urllib.parse import parse_qsl

from django.conf import settings

# The views whose 200s are stored. `?comment=posted` / `pending` (where a
# reader lands after posting) is not cached: it must show the reader's
# comment at once, from whichever process.
CACHED_VIEWS = frozenset(
    {
        "articles:home",
        "articles:category",
        "articles:tag",
        "articles:detail",
        "articles:sitemap",
        "articles:sitemap-category",
        "articles:feed",
        "sitemap-index",
        "sitemap-section",
        "sitemap-text-section",
        "robots-txt",
    }
)
# Query parameters a cached page depends on: the list page, the page of a
# sitemap section.
PAGE_PARAMS = frozenset({"page", "p"})
PAGE_NUMBER_RE = re.compile(r"\A[1-9][0-9]{0,5}\Z")
# Added by chat apps (WeChat's ?from=singlemessage&isappinstalled=0) and
# campaign links; the page is the same without them, so they share its entry.
TRACKING_PARAMS = frozenset(
    {"from", "isappinstalled", "scene", "clicktime", "enterid", "spm", "fbclid", "gclid"}
)
ARTICLE_PATH_RE = re.compile(r"\A/[^/]+/([0-9]+)\.html\Z")


def article_id(path):
    """The article id in an article page's path, or None."""
    match = ARTICLE_PATH_RE.match(path)
    return int(match.group(1)) if match else None


def page_query(environ):
    """The part of the query string a cached page depends on ("", "page=2"),
    or None when it has a parameter the page cache does not know: such a
    request goes to Django, uncached (?comment=posted, ?q=...)."""
    query = environ.get("QUERY_STRING", "")
    if not query:
        return ""
    kept = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in PAGE_PARAMS and PAGE_NUMBER_RE.match(value) and name not in kept:
            kept[name] = value
        elif name not in TRACKING_PARAMS and not name.startswith("utm_"):
            return None
    return "&".join(f"{name}={kept[name]}" for name in sorted(kept))


def eligible(environ) -> bool:
    """Whether the page cache may answer this request."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME + "=" in environ.get("HTTP_COOKIE", ""):
        return False
    return page_query(environ) is not None


def key(environ, path=None) -> str:
    """The cache key of a request. `path` is the WSGI PATH_INFO as the server
    passed it (UTF-8 bytes read as Latin-1); Django decodes it in place."""
    # The proxy's header only when Django believes it too (DJANGO_SECURE_PROXY_SSL):
    # otherwise anyone could file pages under made-up schemes.
    scheme = environ.get("wsgi.url_scheme", "http")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or scheme
    return "page:{}:{}{}?{}".format(
        scheme,
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", "") if path is None else path,
        page_query(environ),
    )
