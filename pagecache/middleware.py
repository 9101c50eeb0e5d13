"""Stores the pages Django renders for anonymous readers.

`PageCacheMiddleware` (first in MIDDLEWARE) stores a response when the
request is cacheable (keys.eligible), was answered by one of the cached views
with a 200 that sets no cookie, and no user is logged in. The entry is
(content version, comment stamp, status, headers, body, article id).
"""

from django.conf import settings
from django.core.cache import cache

from articles.version import request_version, version

from . import keys
from .wsgi import local_pages


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        rendered_with = request_version(request)
        if not keys.eligible(environ):
            return self.get_response(request)
        stamp = version.article_stamp(keys.article_id(request.path_info) or 0)
        response = self.get_response(request)
        match = request.resolver_match
        if (
            response.status_code == 200
            and match is not None
            and match.view_name in keys.CACHED_VIEWS
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
            key = keys.key(environ, raw_path)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            if local := local_pages():
                local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
