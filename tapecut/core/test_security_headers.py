"""Security headers, cookies, session expiry, HTTPS settings and /.well-known/security.txt."""

from __future__ import annotations

import runpy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tapecut import settings as settings_module
from tapecut.core.security import POLICY, SecurityHeadersMiddleware
from tapecut.triage.personas import PASSWORD, make_user

MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_every_page_gets_the_strict_policy_and_friends(client):
    response = client.get("/report/")
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self';" in POLICY and "'unsafe-inline'" not in POLICY
    assert "frame-ancestors 'none'" in POLICY and "object-src 'none'" in POLICY
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP, TAPECUT_HTTPS off


def test_a_views_own_policy_wins():
    sandboxed = HttpResponse("file")
    sandboxed["Content-Security-Policy"] = "sandbox; default-src 'none'"
    middleware = SecurityHeadersMiddleware(lambda request: sandboxed)
    response = middleware(RequestFactory().get("/reports/1/attachments/1/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.django_db
def test_hsts_is_sent_even_behind_a_tls_proxy(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    # Django's own middleware only sends it on requests it sees as HTTPS; behind a proxy that
    # terminates TLS it sees none, so ours sends it (browsers ignore it over plain HTTP).
    response = client.get("/report/")
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_pages_for_a_logged_in_person_are_not_stored(client):
    client.force_login(make_user("tom", "triager"))
    response = client.get("/inbox/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def settings_under(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict[str, Any]:
    """The settings module as it reads this environment (run afresh; Django's own settings
    object is left alone)."""
    for name in ("TAPECUT_HTTPS", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__ or "")


def test_https_turns_on_secure_cookies_hsts_and_two_factor_login(monkeypatch):
    on = settings_under(monkeypatch, {"TAPECUT_HTTPS": "true"})
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31536000
    assert on["TAPECUT_REQUIRE_2FA"] is True
    off = settings_under(monkeypatch, {})
    assert off["SESSION_COOKIE_SECURE"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["TAPECUT_REQUIRE_2FA"] is False  # the local demo and the tests
    for both in (on, off):
        assert both["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
        assert both["CSRF_COOKIE_HTTPONLY"] is True and both["SESSION_COOKIE_HTTPONLY"] is True
    debug = settings_under(monkeypatch, {"TAPECUT_HTTPS": "true", "DEBUG": "true"})
    assert debug["TAPECUT_REQUIRE_2FA"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_ends_with_the_browser_and_the_login_on_the_server(settings, https):
    settings.PASSWORD_HASHERS = MD5
    settings.SESSION_COOKIE_SECURE = https
    make_user("tom", password=PASSWORD)
    client = Client()
    response = client.post("/accounts/login/", {"username": "tom", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) is https
    # The server still ends the login after TAPECUT_SESSION_SECONDS.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600


@pytest.mark.django_db
def test_security_txt_says_whom_to_tell_until_when(client, settings):
    settings.TAPECUT_SECURITY_CONTACT = ["security@corp.example", "https://corp.example/report"]
    settings.TAPECUT_SECURITY_POLICY_URL = "https://corp.example/disclosure"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in response.content.decode().splitlines()]
    assert fields[:2] == [
        ["Contact", "mailto:security@corp.example"],
        ["Contact", "https://corp.example/report"],
    ]
    values = dict(fields)
    expires = datetime.strptime(values["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=30) < expires < now + timedelta(days=365)  # RFC 9116: < 1 year
    assert values["Policy"] == "https://corp.example/disclosure"
    assert values["Preferred-Languages"] == "en, de"
    assert values["Canonical"].endswith("/.well-known/security.txt")


@pytest.mark.django_db
def test_security_txt_is_absent_without_a_contact(client, settings):
    settings.TAPECUT_SECURITY_CONTACT = []
    assert client.get("/.well-known/security.txt").status_code == 404
