"""Security headers on every response, and /.well-known/security.txt.

The content security policy allows nothing inline and nothing from another host: even if a
hostile email got past the sanitiser (tapecut.triage.sanitise), the browser would neither run
its script nor load its tracking pixel. Pages are written for it: no inline script or style,
htmx told not to inject its own <style> (templates/base.html). The pages we did not write keep
to it as well: the API docs (Swagger UI from ninja's static files) and Django's admin, checked
in Chromium by tapecut/e2e/test_pages.py. docs/security.md says what is tested and how.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Powerful browser features no Tapecut page uses: a page that got script could not reach them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Adds what Django's SecurityMiddleware does not; a view's own header wins (downloads
    set a stricter sandbox policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if settings.SECURE_HSTS_SECONDS:
            # Django sends HSTS only on requests it sees as HTTPS, which behind a TLS proxy
            # is none of them; browsers ignore the header on plain HTTP, so it is always safe.
            response.setdefault("Strict-Transport-Security", hsts_value())
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            # What a logged-in person sees stays out of shared caches and the back button of
            # a shared computer.
            response.setdefault("Cache-Control", "private, no-store")
        return response


def hsts_value() -> str:
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
        value += "; includeSubDomains"
    return value


# --- /.well-known/security.txt (RFC 9116) ---------------------------------------------------

# The file says how long it may be trusted; it is written on each request from the settings,
# so a date close ahead is always true.
EXPIRES_AFTER = timedelta(days=180)


def security_txt_lines() -> list[str]:
    contacts = [_contact_uri(c) for c in settings.TAPECUT_SECURITY_CONTACT if c.strip()]
    if not contacts:
        return []
    expires = (timezone.now() + EXPIRES_AFTER).replace(microsecond=0)
    lines = [f"Contact: {c}" for c in contacts]
    lines.append("Expires: " + expires.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if settings.TAPECUT_SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.TAPECUT_SECURITY_POLICY_URL}")
    lines.append("Preferred-Languages: " + ", ".join(code for code, _name in settings.LANGUAGES))
    base = settings.TAPECUT_BASE_URL.rstrip("/")
    lines.append(f"Canonical: {base}/.well-known/security.txt")
    return lines


def _contact_uri(contact: str) -> str:
    contact = contact.strip()
    if ":" not in contact and "@" in contact:
        return "mailto:" + contact
    return contact


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    lines = security_txt_lines()
    if not lines:
        # RFC 9116 requires a contact; an empty file would say nothing true.
        raise Http404("TAPECUT_SECURITY_CONTACT is not set")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
