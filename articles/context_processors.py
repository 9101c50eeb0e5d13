from django.conf import settings

from .version import request_version


def site(request):
    """The site's name and description, the page's canonical address, and
    the content version ({% cache %} fragments vary on it, so any change to
    the content makes them fresh)."""
    canonical = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    if page.isdigit() and page != "1":
        canonical += f"?page={page}"
    return {
        "site_name": settings.SITE_NAME,
        "site_description": settings.SITE_DESCRIPTION,
        "canonical_url": canonical,
        "content_version": request_version(request),
    }
