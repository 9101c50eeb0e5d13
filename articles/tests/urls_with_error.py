"""The site's addresses plus one that fails, for the 500 page's browser test."""

from django.urls import path

from forum.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure, to show the 500 page")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
