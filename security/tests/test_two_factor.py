"""Two-factor login for staff (django-otp, TOTP): optional per account,
compulsory with STAFF_REQUIRE_2FA, and `check --deploy` naming the staff
accounts that have no confirmed device."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.security, pytest.mark.django_db]

PASSWORD = "correct horse 42"


def staff(name, **extra):
    return get_user_model().objects.create_user(
        name, password=PASSWORD, is_staff=True, is_superuser=True, **extra
    )


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def login(client, username, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "otp_token": token},
        REMOTE_ADDR="203.0.113.20",
    )


@pytest.fixture
def guarded():
    user = staff("guarded")
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def test_the_login_page_offers_the_code_field():
    response = Client().get("/admin/login/")
    assert "动态验证码" in response.text
    assert 'autocomplete="one-time-code"' in response.text


def test_an_editor_without_a_device_logs_in_with_the_password_alone():
    staff("plain")
    client = Client()
    assert login(client, "plain").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_account_with_a_device_needs_its_code(guarded):
    client = Client()
    response = login(client, "guarded")
    assert response.status_code == 200
    assert "此账号已开启两步验证,请填写动态验证码。" in response.text
    assert client.get("/admin/").status_code == 302  # not logged in


def test_a_wrong_code_is_refused_in_chinese(guarded):
    wrong = "000000" if code(guarded) != "000000" else "111111"
    response = login(Client(), "guarded", wrong)
    assert "动态验证码不正确或已过期" in response.text
    assert response.wsgi_request.user.is_anonymous


def test_the_right_code_logs_in_verified(guarded):
    client = Client()
    response = login(client, "guarded", code(guarded))
    assert response.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page.wsgi_request.user.is_verified()


def test_another_accounts_device_and_code_do_not_open_an_account(guarded):
    other = TOTPDevice.objects.create(user=staff("plain"), name="另一台", confirmed=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "guarded",
            "password": PASSWORD,
            "otp_device": other.persistent_id,
            "otp_token": code(other),
        },
        REMOTE_ADDR="203.0.113.20",
    )
    if code(other) != code(guarded):  # the same six digits by chance: 1 in a million
        assert "动态验证码不正确或已过期" in response.text
        assert client.get("/admin/").status_code == 302


def test_required_two_factor_refuses_an_account_without_a_device(settings):
    settings.STAFF_REQUIRE_2FA = True
    staff("plain")
    response = login(Client(), "plain")
    assert response.status_code == 200
    assert "此站要求管理账号开启两步验证" in response.text


def test_required_two_factor_keeps_unverified_sessions_out(settings):
    settings.STAFF_REQUIRE_2FA = True
    client = Client()
    client.force_login(staff("plain"))
    assert client.get("/admin/").status_code == 302


def test_required_two_factor_lets_a_verified_editor_in(settings, guarded):
    settings.STAFF_REQUIRE_2FA = True
    client = Client()
    assert login(client, "guarded", code(guarded)).status_code == 302
    assert client.get("/admin/").status_code == 200


def run_deploy_check(capsys):
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL")
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_check_deploy_names_staff_without_a_confirmed_device(capsys, guarded):
    staff("plain")
    staff("pending")
    TOTPDevice.objects.create(
        user=get_user_model().objects.get(username="pending"), confirmed=False
    )
    get_user_model().objects.create_user("reader", password=PASSWORD)
    staff("gone", is_active=False)
    output = run_deploy_check(capsys)
    assert "security.W001" in output
    assert "2 staff account(s) have no confirmed two-factor device: pending, plain." in output


def test_check_deploy_is_quiet_when_every_editor_has_a_device(capsys, guarded):
    assert "security.W001" not in run_deploy_check(capsys)
