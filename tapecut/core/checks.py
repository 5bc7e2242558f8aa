"""System checks: misconfiguration fails loudly at start-up, with ids and a pointer to the docs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DOCS = "see docs/configuration.md"


@register(Tags.security, deploy=False)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Any]:
    if (
        not settings.DEBUG
        and not settings.TAPECUT_ALLOW_DEV_KEY
        and settings.SECRET_KEY.startswith("tapecut-development-key")
    ):
        return [Error("SECRET_KEY is not set.", hint=f"Set SECRET_KEY; {DOCS}", id="tapecut.E001")]
    return []


@register()
def check_intake(app_configs: Any, **kwargs: Any) -> list[Any]:
    errors: list[Any] = []
    if not settings.TAPECUT_RECIPIENTS:
        errors.append(
            Error(
                "TAPECUT_RECIPIENTS is empty: no address accepts mail.",
                hint=DOCS,
                id="tapecut.E002",
            )
        )
    for addr in [*settings.TAPECUT_RECIPIENTS, *settings.TAPECUT_ANONYMOUS_RECIPIENTS]:
        if "@" not in addr:
            errors.append(
                Error(
                    f"{addr!r} is not an email address.",
                    hint=f"Check TAPECUT_RECIPIENTS; {DOCS}",
                    id="tapecut.E003",
                )
            )
    if settings.TAPECUT_DEFAULT_MODE not in {"named", "pseudonymous", "anonymous"}:
        errors.append(
            Error(
                "TAPECUT_DEFAULT_MODE must be named, pseudonymous or anonymous.",
                hint=DOCS,
                id="tapecut.E004",
            )
        )
    if settings.TAPECUT_MAX_MESSAGE_BYTES < 1024:
        errors.append(
            Warning("TAPECUT_MAX_MESSAGE_BYTES is below 1 KiB.", hint=DOCS, id="tapecut.W001")
        )
    return errors
