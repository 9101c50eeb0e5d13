"""The security app's one address: where browsers send CSP violation reports."""

from django.urls import path

from . import csp

app_name = "security"

urlpatterns = [
    path("csp-report/", csp.report, name="csp-report"),
]
