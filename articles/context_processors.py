"""What every page template gets: the site's name and description, the canonical address, the content version."""

from django.conf import settings

from .links import absolute_url, page_path, requested_page
from .version import request_version


def site(request):
    """The site's name and description, the page's canonical address, and
    the content version ({% cache %} fragments vary on it, so any change to
    the content makes them fresh)."""
    canonical = absolute_url(request, page_path(request, requested_page(request), keep=()))
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        "canonical_url": canonical,
        "content_version": request_version(request),
    }
