"""The one old address our own URL patterns answer: the home page with a
query (WordPress's `/?p=12`, `/?cat=3`, `/?tag=x`, `/?feed=rss2`). Every other
old address reaches legacy.views.page_not_found as a 404."""

from django.http import HttpResponsePermanentRedirect

from articles.version import request_version

from .lookup import new_address

# The home page's own parameters and tracking tags: not an old address.
HOME_PARAMS = ("page=", "from=", "isappinstalled=", "utm_", "spm=", "scene=")


class OldHomeQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if (
            query
            and request.path_info == "/"
            and request.method in ("GET", "HEAD")
            and not all(part.startswith(HOME_PARAMS) for part in query.split("&"))
        ):
            target = new_address("/", query, content_version=request_version(request))
            if target:
                return HttpResponsePermanentRedirect(target)
        return self.get_response(request)
