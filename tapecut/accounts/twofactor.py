"""Who must confirm a login with a one-time code (TOTP), and the middleware that insists.

A password alone opens nothing privileged: a user with a role in ``TAPECUT_2FA_ROLES``, staff
or a superuser is sent to set up an authenticator app (first time) or to type its code (every
login) before any page but the few below. Anyone who set up an app is asked for it too, role
or not. ``TAPECUT_REQUIRE_2FA`` (on by default with ``TAPECUT_HTTPS``) turns the role rule on;
docs/security.md explains the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tapecut.accounts.roles import has_any_role

# Reachable half logged in: the steps themselves, leaving, and what needs no login at all. The
# API authenticates each call by its bearer token, never by the session.
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/login/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/.well-known/",
    "/api/",
)


def role_requires(user: Any) -> bool:
    if not settings.TAPECUT_REQUIRE_2FA:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return has_any_role(user, settings.TAPECUT_2FA_ROLES)


def has_device(user: Any) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def pending_step(request: HttpRequest) -> str:
    """ "setup", "verify" or "" (nothing to do) for this request's user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return ""
    if has_device(user):
        return "verify"
    return "setup" if role_requires(user) else ""


def step_url(step: str, next_url: str) -> str:
    query = urlencode({"next": next_url}) if next_url else ""
    return reverse(f"twofactor:{step}") + (f"?{query}" if query else "")


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware, which tells whether this login was verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(EXEMPT_PREFIXES):
            step = pending_step(request)
            if step:
                next_url = request.get_full_path() if request.method == "GET" else ""
                return HttpResponseRedirect(step_url(step, next_url))
        return self.get_response(request)


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now (tests and the browser tests type it)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)
