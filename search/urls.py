"""The search's addresses: the page stays at /search/?q= (FORMAT.md)."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
