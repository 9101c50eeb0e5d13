"""The old addresses our own URL patterns answer: the home page with a
query (WordPress's `/?p=12`, `/?cat=3`, `/?tag=x`, `/?feed=rss2`), and an
old page of our article form (`/pdd/107.html`, DedeCMS's `{typedir}/{aid}.html`)
that our article view would send to our article 107 in another category.
Every other old address reaches legacy.views.page_not_found as a 404."""

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


class OldArticleAddressMiddleware:
    """Our article view answers `/x/N.html` for our article N whatever x is
    (a wrong category part: a 301 to its address). When an old site had a
    page at exactly that address, the old page's article is the one meant:
    its 301 wins. Looked up only on that redirect (one cached lookup), so
    article pages cost nothing more. (When x is our article N's own
    category, our page answers and the importer's report says so.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code == 301 and match and match.view_name == "articles:detail":
            target = new_address(request.path_info, content_version=request_version(request))
            if target and target != request.path_info:
                return HttpResponsePermanentRedirect(target)
        return response
