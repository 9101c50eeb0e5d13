"""The dashboard app (the admin index's dashboard)."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"
