"""Fixtures shared by the test suites of every app (a pytest plugin named in
the root conftest.py)."""

import pytest

from articles.tests.factories import make_article, make_category


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Creating admin users with the production hasher costs seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def category():
    return make_category(name="淘宝运营", slug="tbyy")


@pytest.fixture
def article(category):
    return make_article(category=category, title="缓存测试")
