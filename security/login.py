"""The staff login: a password, then a one-time code (TOTP, django-otp)
for accounts that have a confirmed device. Accounts without one log in with
their password alone unless STAFF_REQUIRE_2FA is set; then they are refused
and the admin lets in only sessions verified with a code.

Failed logins are throttled by django-axes (settings: AXES_*), which runs
inside authenticate() and answers a locked-out login with
templates/admin/locked_out.html."""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin


def confirmed_devices(user):
    return list(devices_for_user(user, confirmed=True))


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="动态验证码",
        required=False,
        max_length=12,
        help_text="开启了两步验证的账号:填写手机验证器应用里的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    # django-otp's mixin reads these two; one device is chosen for the user
    # (their first confirmed one), so the form has no device list.
    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "此账号已开启两步验证,请填写动态验证码。",
        "invalid_token": "动态验证码不正确或已过期,请重新查看验证器应用后再试。",
        "device_required": "此账号已开启两步验证,请填写动态验证码。",
        "verification_not_allowed": "动态验证码错误次数过多,请稍后再试。",
    }
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": "此站要求管理账号开启两步验证,而此账号还没有设置。请联系网站管理员为你添加验证器。",
    }

    def clean(self):
        self.cleaned_data = super().clean()
        user = self.get_user()
        devices = confirmed_devices(user) if user is not None else []
        if devices:
            self.clean_otp(user)
        elif user is not None and settings.STAFF_REQUIRE_2FA:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        return self.cleaned_data

    def _chosen_device(self, user):
        devices = confirmed_devices(user)
        return devices[0] if devices else None

    def _update_form(self, user):
        """The mixin would fill a device list here; this form has none."""


class StaffAdminSite(AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.STAFF_REQUIRE_2FA or request.user.is_verified()


def locked_out(request, original_response=None, credentials=None):
    """The answer to a login while locked out (AXES_LOCKOUT_CALLABLE): a
    Chinese page saying why and for how long, status 429."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
