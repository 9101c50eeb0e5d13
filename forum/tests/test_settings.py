"""forum/settings.py reads the environment strictly: a value it does not
understand stops the site at start-up instead of being read as something
else."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from forum.settings import env_bool, env_float, env_int, env_list, env_rate

NAME = "FORUM_TEST_VARIABLE"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("False", False),
        ("no", False),
        ("OFF\n", False),
    ],
)
def test_env_bool_reads_the_words_it_knows(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME) is expected
    assert env_bool(NAME, default=not expected) is expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, value)
    assert env_bool(NAME) is False
    assert env_bool(NAME, default=True) is True


@pytest.mark.parametrize("value", ["ture", "2", "y", "enabled", "no way", "-1"])
def test_env_bool_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool(NAME, default=True)
    message = str(error.value)
    assert NAME in message and repr(value) in message
    assert "1/0, true/false, yes/no or on/off" in message


def test_env_list(monkeypatch):
    monkeypatch.setenv(NAME, " www.example.com , example.com")
    assert env_list(NAME, ["default"]) == ["www.example.com", "example.com"]
    monkeypatch.setenv(NAME, "")
    assert env_list(NAME, ["default"]) == ["default"]


@pytest.mark.parametrize(
    "value",
    [
        "www.example.com example.com",  # spaces instead of commas
        "www.example.com;example.com",
        '"www.example.com"',
        "www.example.com,,example.com",
        "www.example.com,",
    ],
)
def test_env_list_refuses_what_is_not_a_comma_separated_list(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=.*comma-separated"):
        env_list(NAME, [])


def test_env_int_and_env_float(monkeypatch):
    monkeypatch.setenv(NAME, " 30 ")
    assert env_int(NAME, 5) == 30
    assert env_float(NAME, 5.0) == 30.0
    monkeypatch.setenv(NAME, "0.5")
    assert env_float(NAME, 5.0) == 0.5
    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, 5) == 5
    assert env_float(NAME, 2.5) == 2.5


@pytest.mark.parametrize("value", ["abc", "30s", "1.5", "-1", "1e3", "٣"])
def test_env_int_refuses_what_is_not_a_whole_number_in_range(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=.*whole number, at least 0"):
        env_int(NAME, 5)


def test_env_int_minimum(monkeypatch):
    monkeypatch.setenv(NAME, "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int(NAME, 5, minimum=1)


@pytest.mark.parametrize("value", ["abc", "10s", "-0.5", "inf", "nan", "1e3", "1,5"])
def test_env_float_refuses_what_is_not_a_number_in_range(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=.*a number"):
        env_float(NAME, 1.0)


def test_env_rate(monkeypatch):
    monkeypatch.setenv(NAME, "10 / 60")
    assert env_rate(NAME, "5/600") == "10/60"
    monkeypatch.delenv(NAME)
    assert env_rate(NAME, "5/600") == "5/600"


@pytest.mark.parametrize("value", ["5", "5/0", "0/600", "5/10m", "5 per 600", "five/600"])
def test_env_rate_refuses_anything_but_count_per_seconds(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=.*count/seconds"):
        env_rate(NAME, "5/600")


def _start(**variables):
    """`manage.py check` with these variables, as the site starts."""
    env = {**os.environ, **variables}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_misspelt_switch_stops_the_site_at_start_up():
    started = _start(DJANGO_DEBUG="true")
    assert started.returncode == 0, started.stderr
    started = _start(DJANGO_DEBUG="ture")
    assert started.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG='ture' is not understood" in started.stderr
