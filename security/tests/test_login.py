"""The staff login: failures throttled per user name and per address
(django-axes), a Chinese lockout page, unlocking after the cool-off, and
the proxy's client address believed only from trusted proxies."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

pytestmark = [pytest.mark.security, pytest.mark.django_db]

PASSWORD = "correct horse 42"
LOCKED = "登录失败次数过多"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def login(client, username="editor", password="wrong", **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


def fail(times, username="editor", ip="203.0.113.5"):
    client = Client(REMOTE_ADDR=ip)
    for _ in range(times):
        response = login(client, username)
    return response


def test_a_wrong_password_shows_the_login_page_again(editor):
    response = fail(1)
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text  # Django's own Chinese message
    assert LOCKED not in response.text


def test_after_the_limit_the_login_is_locked_with_a_chinese_message(editor):
    response = fail(3)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "请在 15 分钟后再试" in response.text
    assert "账号“editor”" in response.text
    assert f"{settings.SITE_NAME}</a>" in response.text  # the admin's own header
    # Locked means locked: the right password does not get in either.
    locked = login(Client(REMOTE_ADDR="203.0.113.5"), password=PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session


def test_a_locked_name_is_locked_from_every_address(editor):
    fail(3)
    response = login(Client(REMOTE_ADDR="198.51.100.77"), password=PASSWORD)
    assert response.status_code == 429


def test_a_locked_address_is_locked_for_every_name(editor):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    for name in ("a", "b", "c"):
        fail(1, username=name)
    response = login(Client(REMOTE_ADDR="203.0.113.5"), "other", PASSWORD)
    assert response.status_code == 429


def test_another_name_from_another_address_still_logs_in(editor):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    fail(3)
    response = login(Client(REMOTE_ADDR="198.51.100.8"), "other", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lock_ends_after_the_cool_off(editor):
    from axes.models import AccessAttempt

    fail(3)
    assert login(Client(REMOTE_ADDR="203.0.113.5"), password=PASSWORD).status_code == 429
    # The lockout lives in the database (AxesDatabaseHandler), no file.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = login(Client(REMOTE_ADDR="203.0.113.5"), password=PASSWORD)
    assert response.status_code == 302


def test_the_forwarded_address_counts_only_from_a_trusted_proxy(editor, settings):
    settings.COMMENT_TRUSTED_PROXIES = ["10.0.0.1"]
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for name in ("a", "b", "c"):
        login(proxy, name, HTTP_X_FORWARDED_FOR="203.0.113.66")
    # The attacker behind the proxy is locked out; another reader behind
    # the same proxy is not.
    blocked = login(proxy, "other", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert blocked.status_code == 429
    allowed = login(proxy, "other", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert allowed.status_code == 302
    # A client talking to us directly cannot choose its address.
    direct = Client(REMOTE_ADDR="198.51.100.9")
    for name in ("d", "e", "f"):
        login(direct, name, HTTP_X_FORWARDED_FOR=f"192.0.2.{ord(name)}")
    response = login(direct, "other", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert response.status_code == 429
