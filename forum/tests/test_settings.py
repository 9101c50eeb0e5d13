"""forum/settings.py reads the environment strictly: a value it does not
understand stops the site at start-up instead of being read as something
else."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from forum.settings import (
    code_files,
    code_fingerprint,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_rate,
)

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


def _settings_with(variables, *names):
    """The named settings as the site reads them with these variables."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "forum.settings"}
    for name in ("DATABASE_URL", "REDIS_URL", *variables):
        env.pop(name, None)
    env.update(variables)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    )
    started = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout)


def test_env_example_as_given_starts_the_site_with_the_defaults():
    """.env.example leaves many variables empty ("the defaults"): copied as
    it is, it must start the site on SQLite with media in media/."""
    example = {}
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    assert example["DATABASE_URL"] == "" and example["DJANGO_MEDIA_ROOT"] == ""
    found = _settings_with(example, "DATABASES", "MEDIA_ROOT", "SITE_NAME", "DEBUG")
    assert "django.db.backends.sqlite3" in found["DATABASES"]
    assert found["MEDIA_ROOT"] == str(settings.BASE_DIR / "media")
    assert found["SITE_NAME"] == "电商卖家知识库"
    assert found["DEBUG"] == "False"


def test_empty_strings_are_the_defaults():
    empty = {"DATABASE_URL": " ", "DJANGO_MEDIA_ROOT": "", "SITE_NAME": "", "DJANGO_LOG_LEVEL": ""}
    found = _settings_with(empty, "DATABASES", "MEDIA_ROOT", "SITE_NAME", "LOGGING")
    assert str(settings.BASE_DIR / "db.sqlite3") in found["DATABASES"]
    assert found["MEDIA_ROOT"] == str(settings.BASE_DIR / "media")
    assert found["SITE_NAME"] == "电商卖家知识库"
    assert "'level': 'WARNING'" in found["LOGGING"]


def test_an_unknown_log_level_stops_the_site_at_start_up():
    started = _start(DJANGO_LOG_LEVEL="WARN")
    assert started.returncode != 0
    assert "DJANGO_LOG_LEVEL='WARN' is not understood" in started.stderr
    assert "DEBUG, INFO, WARNING, ERROR, CRITICAL" in started.stderr


# -- code_fingerprint(): part of every cache key ------------------------------


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's folders the fingerprint could look at."""
    for name in (
        "articles",
        "search",
        "comments",
        "pagecache",
        "dashboard",
        "legacy",
        "security",
        "forum",
        "templates",
        "static",
    ):
        shutil.copytree(
            settings.BASE_DIR / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return tmp_path


def test_the_cache_keys_carry_the_fingerprint():
    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(f":{code_fingerprint()}")


def test_the_fingerprint_covers_what_the_site_reads_and_nothing_else():
    files = code_files()
    for expected in (
        "articles/models/content.py",
        "articles/templatetags/articles_tags.py",
        "comments/views.py",
        "forum/settings.py",
        "forum/urls.py",
        "templates/base.html",
        "templates/comments/list.html",
        "static/css/site.css",
        "static/img/demo/funnel.png",  # served to readers, though in a "demo" folder
    ):
        assert expected in files
    for path in files:
        top, *inner, _ = path.split("/")
        if top not in ("templates", "static"):
            assert not {"tests", "migrations", "demo", "management"} & set(inner), path
        assert "__pycache__" not in path and not path.endswith(".pyc"), path


def test_the_fingerprint_does_not_depend_on_where_the_project_lies(project_copy):
    assert code_fingerprint(base_dir=project_copy) == code_fingerprint()


def test_tests_migrations_demo_code_and_commands_do_not_change_it(project_copy):
    before = code_fingerprint(base_dir=project_copy)
    with (project_copy / "articles" / "tests" / "test_views.py").open("a") as test:
        test.write("\n# a new test\n")
    (project_copy / "articles" / "migrations" / "0999_new.py").write_text("# data migration\n")
    (project_copy / "articles" / "demo" / "articles.jsonl").write_text("")
    (project_copy / "articles" / "management" / "commands" / "new.py").write_text("# command\n")
    (project_copy / "forum" / "tests" / "test_new.py").write_text("# test\n")
    (project_copy / "articles" / "__pycache__").mkdir()
    (project_copy / "articles" / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"\0")
    (project_copy / "templates" / ".base.html.swp").write_bytes(b"\0")
    (project_copy / "static" / "css" / "site.css~").write_text("")
    assert code_fingerprint(base_dir=project_copy) == before


@pytest.mark.parametrize(
    "path",
    [
        "templates/articles/article_detail.html",
        "templates/comments/list_items.html",
        "static/css/site.css",
        "static/img/favicon.ico",
        "articles/models/content.py",
        "comments/templatetags/comments_tags.py",
        "forum/urls.py",
    ],
)
def test_a_change_to_what_the_site_reads_changes_it(project_copy, path):
    before = code_fingerprint(base_dir=project_copy)
    with (project_copy / path).open("ab") as file:
        file.write(b"\n")
    assert code_fingerprint(base_dir=project_copy) != before


def test_a_new_local_app_counts_once_it_is_installed(project_copy):
    """No list to update when an app is added: INSTALLED_APPS says which
    packages in the project are the site's."""
    before = code_fingerprint(base_dir=project_copy)
    app = project_copy / "newsletter"
    (app / "tests").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "middleware.py").write_text("# the page cache\n")
    (app / "tests" / "test_middleware.py").write_text("# its tests\n")
    assert code_fingerprint(base_dir=project_copy) == before  # not installed: not read

    installed = [*settings.INSTALLED_APPS, "newsletter.apps.NewsletterConfig"]
    assert "newsletter/middleware.py" in code_files(installed_apps=installed, base_dir=project_copy)
    with_app = code_fingerprint(installed_apps=installed, base_dir=project_copy)
    assert with_app != before
    (app / "middleware.py").write_text("# the page cache, changed\n")
    changed = code_fingerprint(installed_apps=installed, base_dir=project_copy)
    assert changed != with_app
    (app / "tests" / "test_middleware.py").write_text("# its tests, changed\n")
    assert code_fingerprint(installed_apps=installed, base_dir=project_copy) == changed


def test_the_local_cache_holds_thousands_of_pages():
    """Django's local-memory cache keeps 300 entries by default: a few dozen
    articles' pages and fragments. Ours keeps thousands."""
    for n in range(3000):
        cache.set(f"test:many:{n}", n)
    assert all(cache.get(f"test:many:{n}") == n for n in range(3000))


def test_mutation_runs_copy_every_app_the_site_runs():
    """`make mutation` tests each mutant in a copy of the tree: an app left
    out of that copy fails every run ("No module named ...")."""
    import tomllib

    config = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["tool"]["mutmut"]
    copied = {*config["source_paths"], *config["also_copy"]}
    local_apps = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (settings.BASE_DIR / name.split(".")[0] / "__init__.py").is_file()
    }
    assert local_apps - copied == set()
