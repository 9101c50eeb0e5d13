"""The 404 path: an address none of our URL patterns (or views) answered
is looked up among the old site's addresses before the 404 page is drawn."""

from django.http import HttpResponsePermanentRedirect
from django.views import defaults

from articles.version import request_version

from .lookup import new_address
from .notfound import not_found_log


def page_not_found(request, exception=None):
    """forum.urls.handler404: one 301 to the old address's new home, else
    the site's 404 page, with the address counted for the admin's 404 log."""
    if request.method in ("GET", "HEAD"):
        target = new_address(
            request.path_info,
            request.META.get("QUERY_STRING", ""),
            content_version=request_version(request),
        )
        if target and target != request.get_full_path():
            return HttpResponsePermanentRedirect(target)
        not_found_log.add(request.path_info)
    return defaults.page_not_found(request, exception)
