"""The reading site's addresses (FORMAT.md's URL scheme)."""

from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sitemap/", views.SiteMapView.as_view(), name="sitemap"),
    path("sitemap/<str:slug>/", views.SiteMapCategoryView.as_view(), name="sitemap-category"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("<str:category>/<int:pk>.html", views.ArticleDetailView.as_view(), name="detail"),
    path("<str:slug>/", views.CategoryView.as_view(), name="category"),
]
