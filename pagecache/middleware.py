"""Stores the pages Django renders for anonymous readers.

`PageCacheMiddleware` (first in MIDDLEWARE) stores a response when the
request is cacheable (keys.eligible), was answered by one of the cached views
with a 200 that sets no cookie, and no user is logged in. What an entry
holds, and how long it is kept: pagecache/entries.py.
"""

from django.conf import settings

from articles.version import request_version, version

from . import keys
from .entries import make_entry, page_store, seconds_to_keep
from .wsgi import local_pages


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        # the generation first: a bump of both in between leaves a page
        # that is dropped, never one that outlives it
        generation = version.pages()
        rendered_with = request_version(request)
        if not keys.eligible(environ):
            return self.get_response(request)
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
            # What the article view read when it started (ArticleDetailView):
            # the article's row, and the count it showed.
            shown = getattr(request, "article_shown", None)
            entry = make_entry(
                rendered_with,
                response.status_code,
                headers,
                response.content,
                article_id=article_id,
                row=shown[0] if shown else None,
                views=shown[1] if shown else None,
                pages=generation,
            )
            raw_path = request.path_info.encode().decode("latin-1")
            key = keys.key(environ, raw_path)
            page_store().set(key, entry, seconds_to_keep(entry))
            if local := local_pages():
                local.set(key, entry, settings.PAGE_CACHE_LOCAL_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
