"""The comment addresses: captcha, the form page, posting, all comments."""

from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("captcha/", views.captcha_new, name="captcha"),
    path("<int:article_id>/", views.comment_form_page, name="form"),
    path("<int:article_id>/post/", views.comment_post, name="post"),
    path("<int:article_id>/all/", views.CommentListView.as_view(), name="list"),
]
