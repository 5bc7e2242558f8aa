"""Writes of the login defences: failed-login counters and two-factor devices, audited."""

from __future__ import annotations

import logging
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tapecut.accounts.login import ACCOUNT, ADDRESS, account_key
from tapecut.core import audit, throttle

log = logging.getLogger(__name__)
ACTOR = "login"


def do_record_login_failure(request: HttpRequest | None, username: str) -> None:
    """Count one failed password login; audit the moment an account or address locks."""
    if request is None or not username:
        return
    seconds = settings.TAPECUT_LOGIN_WINDOW_SECONDS
    per_account = throttle.hit(ACCOUNT, account_key(username), seconds)
    per_address = throttle.hit(ADDRESS, throttle.client_key(request), seconds)
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if per_account == settings.TAPECUT_LOGIN_FAILURES_PER_USER:
        # Only a real account is named: a mistyped name may be someone's email address.
        audit.record("login.locked", user, actor_label=ACTOR, scope="account", known=bool(user))
        log.warning("login locked for an account after %s failures", per_account)
    if per_address == settings.TAPECUT_LOGIN_FAILURES_PER_IP:
        audit.record("login.locked", None, actor_label=ACTOR, scope="address")
        log.warning("login locked for a client address after %s failures", per_address)


# --- Two-factor devices ---------------------------------------------------------------------


def do_start_totp(user: Any) -> TOTPDevice:
    """The device being set up: the unconfirmed one already shown, or a new secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        audit.record("2fa.enrolment_started", device, actor=user)
    return device


def do_confirm_totp(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """The first code from the app proves it holds the secret: the device counts from now,
    and this login is verified by it."""
    if device.confirmed or not device.verify_token(token):
        audit.record("2fa.failed", device, actor=request.user, step="enrolment")
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # A device shown but never confirmed is a secret lying around: there is one device now.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    django_otp.login(request, device)
    audit.record("2fa.enrolled", device, actor=request.user)
    return True


def do_verify_totp(request: HttpRequest, token: str) -> bool:
    """Check a code against the user's confirmed devices; a match verifies this login.
    Each device slows down guessing by itself (django-otp's throttling)."""
    user: Any = request.user
    device = django_otp.match_token(user, token.strip())
    if device is None:
        audit.record("2fa.failed", user, actor=user, step="login")
        return False
    django_otp.login(request, device)
    audit.record("2fa.verified", device, actor=user)
    return True


def do_remove_totp(user: Any, *, actor: Any) -> int:
    """A lost phone: remove the user's devices so that they set up a new one at next login."""
    removed, _by_type = TOTPDevice.objects.filter(user=user).delete()
    audit.record("2fa.removed", user, actor=actor, devices=removed)
    return removed
