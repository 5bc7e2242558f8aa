"""The two steps of two-factor login: set up an authenticator app, then type its code."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from tapecut.accounts.login_actions import do_confirm_totp, do_start_totp, do_verify_totp
from tapecut.accounts.twofactor import has_device, step_url

try:  # optional: without it the page shows the secret and the link, not the picture
    import qrcode
    import qrcode.image.svg
except ImportError:  # pragma: no cover - qrcode is installed with Tapecut
    qrcode = None


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def qr_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI (the content security policy allows data: images and
    no inline style, which an inline <svg> from a library might carry)."""
    if qrcode is None:
        return ""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed in: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if has_device(user):
        target = _next(request) if user.is_verified() else step_url("verify", _next(request))
        return redirect(target)
    device = do_start_totp(user)
    error = ""
    if request.method == "POST":
        if do_confirm_totp(request, device, request.POST.get("token", "")):
            return redirect(_next(request))
        error = _("That code did not match. Type the code your app shows now.")
    context = {
        "uri": device.config_url,
        "secret": secret_of(device),
        "qr": qr_data_uri(device.config_url),
        "next": _next(request),
        "error": error,
    }
    return render(request, "security/two_factor_setup.html", context, status=400 if error else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not has_device(user):
        return redirect(step_url("setup", _next(request)))
    if user.is_verified():
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        if do_verify_totp(request, request.POST.get("token", "")):
            return redirect(_next(request))
        error = _("That code did not match. Type the code your app shows now.")
    context = {"next": _next(request), "error": error}
    return render(request, "security/two_factor_verify.html", context, status=400 if error else 200)
