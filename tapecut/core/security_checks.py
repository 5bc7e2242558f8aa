"""System checks for the login defences and the security contact (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from tapecut.accounts.roles import ROLES

DOCS = "see docs/security.md and docs/configuration.md"


@register(Tags.security)
def check_login_defences(app_configs: Any, **kwargs: Any) -> list[Any]:
    errors: list[Any] = []
    unknown = sorted(set(settings.TAPECUT_2FA_ROLES) - set(ROLES))
    if unknown:
        errors.append(
            Error(
                f"TAPECUT_2FA_ROLES names unknown roles: {', '.join(unknown)}.",
                hint=f"Roles are {', '.join(ROLES)}; {DOCS}",
                id="tapecut.E070",
            )
        )
    if settings.TAPECUT_LOGIN_WINDOW_SECONDS < 1:
        errors.append(
            Error("TAPECUT_LOGIN_WINDOW_SECONDS must be at least 1.", hint=DOCS, id="tapecut.E071")
        )
    return errors


@register(Tags.security, deploy=True)
def check_production_security(app_configs: Any, **kwargs: Any) -> list[Any]:
    warnings: list[Any] = []
    if not settings.DEBUG and not settings.TAPECUT_REQUIRE_2FA:
        warnings.append(
            Warning(
                "Two-factor login is not required for privileged roles.",
                hint=f"Set TAPECUT_REQUIRE_2FA=true (the default with TAPECUT_HTTPS); {DOCS}",
                id="tapecut.W070",
            )
        )
    if not settings.TAPECUT_SECURITY_CONTACT:
        warnings.append(
            Warning(
                "No security contact: /.well-known/security.txt is not served.",
                hint=f"Set TAPECUT_SECURITY_CONTACT; {DOCS}",
                id="tapecut.W071",
            )
        )
    return warnings
