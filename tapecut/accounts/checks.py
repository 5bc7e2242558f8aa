"""System checks for the login defences (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

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
