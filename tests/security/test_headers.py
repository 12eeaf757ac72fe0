"""Headers: the Content Security Policy, the production HTTPS settings, and
`Cache-Control: no-store` on every page a signed-in user sees."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_the_sign_in_page_carries_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "*" not in header.replace("'", "")


def test_pages_forbid_framing_sniffing_and_leaky_referrers(client):
    response = client.get("/accounts/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_of_a_signed_in_user_are_never_cached(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


# ---- production settings -----------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-like-" + "k3Y9x" * 12,
    "ALLOWED_HOSTS": "onestop.example.com",
    "DATABASE_URL": "sqlite:////tmp/onestop-deploy-check.sqlite3",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _production(code: str) -> subprocess.CompletedProcess:
    # Not the test run's own switches (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV)
    env["ONESTOP_VAR_DIR"] = "/tmp/onestop-deploy-check"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _production(
        "import sys, django; from django.core.management import call_command; django.setup();"
        "sys.argv = ['manage.py']; call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_production_serves_https_only_with_hsts_and_secure_cookies():
    result = _production(
        """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="onestop.example.com")
plain = client.get("/accounts/login/")
tls = client.get("/healthz", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "hsts": tls.headers.get("Strict-Transport-Security", ""),
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "LANGUAGE_COOKIE_SECURE": settings.LANGUAGE_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
}))
"""
    )
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["plain_status"] == 301
    assert facts["plain_location"] == "https://onestop.example.com/accounts/login/"
    assert "max-age=31536000" in facts["hsts"]
    assert "includeSubDomains" in facts["hsts"]
    assert facts["SESSION_COOKIE_SECURE"] is True
    assert facts["SESSION_COOKIE_HTTPONLY"] is True
    assert facts["CSRF_COOKIE_SECURE"] is True
    assert facts["LANGUAGE_COOKIE_SECURE"] is True
    assert facts["SECURE_SSL_REDIRECT"] is True


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"})
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """Production serves static files through WhiteNoise's manifest storage: every file a
    stylesheet or script refers to (source maps included) must exist, or deploying fails."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PRODUCTION_ENV)
    env["ONESTOP_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
