"""`manage.py check --deploy` warns about active staff accounts that have
no confirmed two-factor device (django-otp)."""

from django.contrib.auth import get_user_model
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

MAX_NAMED = 20


@register(Tags.security, deploy=True)
def staff_without_two_factor(app_configs=None, **kwargs):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        protected = TOTPDevice.objects.filter(confirmed=True).values("user_id")
        names = list(
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .exclude(pk__in=protected)
            .order_by("username")
            .values_list("username", flat=True)
        )
    except DatabaseError:  # not migrated yet: nothing to say
        return []
    if not names:
        return []
    shown = ", ".join(names[:MAX_NAMED]) + (" ..." if len(names) > MAX_NAMED else "")
    return [
        Warning(
            f"{len(names)} staff account(s) have no confirmed two-factor device: {shown}.",
            hint="Add a TOTP device for each in the admin (OTP_TOTP > TOTP devices) "
            "and set STAFF_REQUIRE_2FA=1 once every editor has one.",
            id="security.W001",
        )
    ]
