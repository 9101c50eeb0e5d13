"""The site's address table: admin, comments, sitemaps, robots, media, search, then the reading site."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from articles.sitemaps import section as sitemap_section
from articles.sitemaps import sitemaps
from articles.sitemaps import text_section as sitemap_text_section
from articles.views import robots_txt

lazy_static = lazy(static, str)

# A database that cannot be reached answers a styled 503 page, not a 500.
handler500 = "articles.views.server_error"
# A 404 first looks the address up among the old site's (legacy/).
handler404 = "legacy.views.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("", include("security.urls")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("favicon.ico", RedirectView.as_view(url=lazy_static("img/favicon.ico"), permanent=True)),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap-section"),
    path("sitemap-<section>.txt", sitemap_text_section, name="sitemap-text-section"),
]

# Local media only: on object storage (MEDIA_STORAGE=s3) pages link the bucket.
if settings.SERVE_MEDIA and settings.MEDIA_STORAGE == "LOCAL":
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns.append(path("", include("search.urls")))
urlpatterns.append(path("", include("articles.urls")))
