"""django-csp's middleware with the admin's one exception: under /admin/
the policy is widened by CSP_ADMIN_EXTRA (CKEditor 5 styles its widgets
from its script). The reading site gets the policy as configured."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), **settings.CSP_ADMIN_EXTRA}
        return parts
