"""The deployment recipe (deploy/): `manage.py check --deploy` is clean with
its .env.production.example, and the recipe's parts agree with the settings."""

import os
import re
import subprocess
import sys

from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"


def production_env():
    env = {}
    for line in (DEPLOY / ".env.production.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return env


def check_deploy(env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS", "DATABASE"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_example():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_see_a_missing_setting():
    env = production_env()
    env["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    result = check_deploy(env)
    assert result.returncode != 0 and "security.W008" in result.stderr + result.stdout


def test_every_variable_of_the_production_example_is_one_the_site_reads():
    known = set(
        re.findall(r"^([A-Z_0-9]+)=", (settings.BASE_DIR / ".env.example").read_text(), re.M)
    )
    assert set(production_env()) - known == set()


def test_nginx_trusts_the_proxy_the_settings_trust_and_caps_uploads():
    env = production_env()
    nginx = (DEPLOY / "nginx" / "forum.conf").read_text()
    # nginx replaces the client's X-Forwarded-For with the address it saw.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "10.0.0.10" in env["COMMENT_TRUSTED_PROXIES"].split(",")
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", nginx)
    assert int(limit) * 1024 * 1024 > settings.ARTICLE_IMAGE_MAX_BYTES
    assert env["DJANGO_SERVE_MEDIA"] == "0" and "location /media/" in nginx
