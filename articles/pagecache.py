"""Whole-page cache for anonymous readers.

Two halves share one key scheme:

- `PageCacheMiddleware` (Django, first in MIDDLEWARE) stores a response when
  the request came from an anonymous reader (no session cookie), asked for a
  page we cache (home, category, tag, article, site maps, feed) with no query
  parameters but the page number and tracking tags (which share the page's
  entry), and got a 200 that sets no cookie.
- `wsgi_fast_path` (wrapped around Django's WSGI app in forum/wsgi.py) answers
  such requests straight from the cache, before Django builds a request:
  one cache read, plus the read counter for article pages. With Redis, each
  process first looks in its own copies of the pages it served in the last
  PAGE_CACHE_LOCAL_SECONDS (no round trip).

Every entry carries the content version it was rendered with
(`ContentVersion`). Any change a page shows bumps the version in the
database; each process re-reads it every PAGE_CACHE_VERSION_SECONDS, so
all processes drop stale pages within about a second, whatever cache
backend they share. The version row also holds the next time a scheduled
article goes live; passing that time bumps the version too.
"""

import logging
import re
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

CACHED_VIEWS = frozenset(
    {
        "articles:home",
        "articles:category",
        "articles:tag",
        "articles:detail",
        "articles:sitemap",
        "articles:feed",
        "sitemap-index",
        "sitemap-section",
        "robots-txt",
    }
)
# `?comment=posted` / `pending` (where a reader lands after posting) is not
# cached: it must show the reader's comment at once, from whichever process.
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
# User agents whose page views are not reads (the views and the fast path).
CRAWLER_RE = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-requests|httpclient", re.I)

# Longer than a writer can wait for the SQLite write lock (20 s).
STAMP_OVERLAP = timedelta(seconds=60)

logger = logging.getLogger(__name__)


class _Version:
    """This process's view of the content version."""

    def __init__(self):
        self._lock = threading.Lock()
        self._value = None
        self._next_publish = None  # a POSIX timestamp, or None
        self._checked = 0.0
        # Visible comments change one article page only: each article's
        # last comment change, read incrementally with the version.
        self._stamps = {}
        self._stamps_since = None

    def current(self) -> int:
        now = time.monotonic()
        every = settings.PAGE_CACHE_VERSION_SECONDS
        if self._value is None or now - self._checked >= every:
            with self._lock:
                if self._value is None or now - self._checked >= every:
                    self._load()
                    self._checked = now
        if self._next_publish is not None and time.time() >= self._next_publish:
            # A scheduled article has gone live: every list may show it now.
            with self._lock:
                if self._next_publish is not None and time.time() >= self._next_publish:
                    self._remember(_bump())
        return self._value

    def _load(self):
        from .models import Article, ContentVersion

        row = ContentVersion.objects.filter(pk=1).values_list("version", "next_publish_at").first()
        self._remember(row or _bump())
        changed = Article.objects.filter(comments_changed_at__isnull=False)
        if self._stamps_since is not None:
            # A stamp is the writer's clock before its UPDATE waited for the
            # write lock: it can commit after a later stamp was read.
            changed = changed.filter(comments_changed_at__gte=self._stamps_since - STAMP_OVERLAP)
        for pk, moment in changed.values_list("pk", "comments_changed_at"):
            self._stamps[pk] = moment.timestamp()
            if self._stamps_since is None or moment > self._stamps_since:
                self._stamps_since = moment

    def article_stamp(self, article_id) -> float:
        """When the visible comments of an article last changed (0: never)."""
        self.current()
        return self._stamps.get(article_id, 0.0)

    def _remember(self, row):
        version, next_publish_at = row
        self._value = version
        self._next_publish = next_publish_at.timestamp() if next_publish_at else None

    def forget(self):
        with self._lock:
            self._value = None


version = _Version()


def _next_publish_at():
    from .models import Article

    return Article.objects.scheduled().aggregate(next=Min("published_at"))["next"]


def _bump():
    from .models import ContentVersion

    next_at = _next_publish_at()
    updated = ContentVersion.objects.filter(pk=1).update(
        version=F("version") + 1, next_publish_at=next_at
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"next_publish_at": next_at})
    return ContentVersion.objects.filter(pk=1).values_list("version", "next_publish_at").get()


def bump_now(using="default"):
    """A new content version right now, outside a request: after migrate,
    and from `manage.py refresh_pages`."""
    from .models import ContentVersion

    updated = ContentVersion.objects.using(using).filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.using(using).get_or_create(pk=1)
    version.forget()


def request_version(request) -> int:
    """The content version a request works with, read once, when it starts.
    Whatever the request caches is keyed on it; data read from the cache
    under an older version is then never stored under a newer one."""
    try:
        return request.content_version
    except AttributeError:
        request.content_version = version.current()
        return request.content_version


def content_changed():
    """Call after any change that a cached page may show. Takes effect when
    the surrounding transaction commits, once per commit: saving an article
    with its tags in the admin sends a dozen signals, and one bump is enough.
    """
    db = transaction.get_connection()
    seen = getattr(db, "content_commits", 0)

    def bump():
        # The first of this commit's callbacks bumps; the others see that.
        # (A rolled-back transaction runs none, so the count stays put.)
        if getattr(db, "content_commits", 0) == seen:
            db.content_commits = seen + 1
            _bump()
            version.forget()

    transaction.on_commit(bump)


def article_comments_changed(article_ids):
    """Call after the visible comments of these articles change: only their
    pages go stale, in every process within a second."""
    from .models import Article

    def stamp():
        Article.objects.filter(pk__in=list(article_ids)).update(comments_changed_at=timezone.now())
        version.forget()

    transaction.on_commit(stamp)


def _article_id(path):
    match = ARTICLE_PATH_RE.match(path)
    return int(match.group(1)) if match else None


def _key(environ, path=None) -> str:
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
        _page_query(environ),
    )


def _page_query(environ):
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


def _eligible(environ) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME + "=" in environ.get("HTTP_COOKIE", ""):
        return False
    return _page_query(environ) is not None


def is_reader(environ) -> bool:
    return environ.get("REQUEST_METHOD") == "GET" and not CRAWLER_RE.search(
        environ.get("HTTP_USER_AGENT", "")
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        rendered_with = request_version(request)
        if not _eligible(environ):
            return self.get_response(request)
        stamp = version.article_stamp(_article_id(request.path_info) or 0)
        response = self.get_response(request)
        match = request.resolver_match
        if (
            response.status_code == 200
            and match is not None
            and match.view_name in CACHED_VIEWS
            and not response.cookies
            and not getattr(response, "streaming", False)
            and not request.user.is_authenticated
        ):
            article_id = None
            if match.view_name == "articles:detail":
                article_id = int(match.kwargs["pk"])
            headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
            entry = (
                rendered_with,
                stamp if article_id else 0.0,
                response.status_code,
                headers,
                response.content,
                article_id,
            )
            raw_path = request.path_info.encode().decode("latin-1")
            key = _key(environ, raw_path)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            if local := _local_pages():
                local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


STATUS_LINES = {200: "200 OK"}


def _local_pages():
    """This process's own short-lived copies of cached pages, when the
    shared cache is another server (Redis); None with the local cache."""
    return caches["local-pages"] if "local-pages" in settings.CACHES else None


def wsgi_fast_path(app):
    """Serve cached pages before Django builds a request."""
    from .reads import reads

    def fresh(entry):
        if entry is None or entry[0] != version.current():
            return False
        article_id = entry[5]
        return article_id is None or entry[1] == version.article_stamp(article_id)

    def cached(environ):
        try:
            key = _key(environ)
            local = _local_pages()
            if local is not None:
                entry = local.get(key)
                if fresh(entry):
                    return entry
            entry = cache.get(key)
            if fresh(entry):
                if local is not None:
                    local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
                return entry
        except Exception:  # a cache or database hiccup: let Django answer
            logger.exception("Page cache lookup failed")
            connection.close()
        return None

    def application(environ, start_response):
        if _eligible(environ):
            entry = cached(environ)
            if entry is not None:
                _, _, status, headers, body, article_id = entry
                if article_id is not None and is_reader(environ):
                    reads.add(article_id)
                start_response(
                    STATUS_LINES[status],
                    [*headers, ("Content-Length", str(len(body))), ("X-Page-Cache", "hit")],
                )
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return app(environ, start_response)

    return application
