"""System checks for production security and the security contact (docs/security.md).

The login defences are checked in tapecut.accounts.checks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

DOCS = "see docs/security.md and docs/configuration.md"


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
