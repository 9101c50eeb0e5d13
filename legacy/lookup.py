"""Finding where an old address lives now.

`new_address(path, query_string)` costs at most one indexed query
(`OldAddress` by its unique (path, query) index, with the article and its
category, the category or the tag joined in) and, when hot, one cache read
and no query: the answer is cached under the content version the request
works with, so saving an article, a category, a tag or a redirect (each
bumps the version) makes every process work it out afresh, and a renamed
category is still one hop away. Misses are cached too, so a flood of
unknown addresses costs one query per address and version, not per request.
"""

import hashlib
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.cache import cache

from articles.version import version

from .models import OldAddress

MAX_PARAMS = 8  # query parameters looked at; more are ignored
MISSING = ""


def _decode(raw: str) -> str:
    """A percent-encoded query part as text: old GBK sites link their tag
    pages in GBK, browsers send UTF-8."""
    data = unquote_to_bytes(raw.replace("+", " "))
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def query_keys(query_string: str) -> list[str]:
    """The stored `query` values a request may match: "" (the bare path),
    each `name=value` parameter, and the whole query (`/tags.php?/卖家/`)."""
    keys = [""]
    if not query_string:
        return keys
    whole = _decode(query_string)
    for part in query_string.split("&")[:MAX_PARAMS]:
        if "=" in part:
            name, _, value = part.partition("=")
            keys.append(f"{_decode(name)}={_decode(value)}")
    keys.append(whole)
    return list(dict.fromkeys(key[:200] for key in keys))


def normalise_query(query: str) -> str:
    """How an importer or an editor's query is stored (what query_keys()
    produces for it)."""
    query = query.lstrip("?")
    if "=" in query and "&" not in query:
        name, _, value = query.partition("=")
        return f"{_decode(name)}={_decode(value)}"
    return _decode(query)


def _cache_key(path, query_string, content_version):
    digest = hashlib.blake2b(f"{path}\0{query_string}".encode(), digest_size=12).hexdigest()
    return f"legacy:{content_version}:{digest}"


def new_address(path: str, query_string: str = "", *, content_version=None) -> str | None:
    """Where the old address now lives (a path or a full URL), or None."""
    if len(path) > 400:
        return None
    content_version = version.current() if content_version is None else content_version
    key = _cache_key(path, query_string, content_version)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    rows = list(
        OldAddress.objects.filter(path=path, query__in=query_keys(query_string)).select_related(
            "article__category", "category", "tag"
        )
    )
    # A row naming the request's parameter is more precise than the bare path.
    best = max(rows, key=lambda row: len(row.query), default=None)
    target = best.target() if best else None
    cache.set(key, target or MISSING, settings.LEGACY_CACHE_SECONDS)
    return target
