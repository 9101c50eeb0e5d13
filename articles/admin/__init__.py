"""The editors' admin for articles, categories and tags, by job:

- `article`: the article list and form; `actions`: its bulk actions;
  `filters`: its filters; `forms`: the forms; `uploads`: the editor's
  image upload;
- `categories`, `tags`: the other two lists.

The comments app adds the 评论 column to the article list (comments/admin.py);
the admin index's dashboard is the dashboard app's. Everything an editor
reads here is Simplified Chinese.
"""

from django.conf import settings
from django.contrib import admin

from . import article, categories, tags  # noqa: F401 (each registers its admin)

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "内容管理"
# The left-hand model list takes 280 px from every page; the article list
# needs that width for its columns. The breadcrumbs and the dashboard lead
# everywhere instead.
admin.site.enable_nav_sidebar = False
