"""The security app, and the admin whose site is security.login.StaffAdminSite."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "security"
    verbose_name = "安全"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with the staff login (password, then the
    one-time code of a confirmed device when the account has one)."""

    default_site = "security.login.StaffAdminSite"
