"""The site's addresses under /bbs/, as a site mounted beside another would
have them: for the test that article addresses follow the URLconf."""

from django.urls import include, path

urlpatterns = [path("bbs/", include("forum.urls"))]
