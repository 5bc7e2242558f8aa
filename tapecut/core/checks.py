"""System checks: misconfiguration fails loudly at start-up, with ids and a pointer to the docs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

DOCS = "see docs/configuration.md"


# Commands that serve reporters or their data refuse public keys; the others (migrate,
# makemigrations, shell …) only warn, so that a build or a test run needs no secrets.
SERVING_COMMANDS = frozenset({"run", "smtpd", "worker", "poll", "check", "demo"})


def serving() -> bool:
    argv = sys.argv
    if argv and "gunicorn" in Path(argv[0]).name:
        return True
    return len(argv) > 1 and argv[1] in SERVING_COMMANDS


def strict_keys() -> bool:
    """Public keys are an error (not a warning): outside DEBUG, in a serving process."""
    return not settings.DEBUG and serving()


def refuse_public_keys() -> None:
    """For the WSGI entry point, where Django runs no checks: stop the start on any key error."""
    from django.core import checks

    errors = [e for e in checks.run_checks(tags=[Tags.security]) if e.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint or ''}" for e in errors))


@register(Tags.security, deploy=False)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[Any]:
    if (
        strict_keys()
        and not settings.TAPECUT_ALLOW_DEV_KEY
        and settings.SECRET_KEY.startswith("tapecut-development-key")
    ):
        return [
            Error(
                "SECRET_KEY is not set: sessions and follow links would be signed with a key "
                "anyone can read in Tapecut's source.",
                hint=f"Set SECRET_KEY (or run `tapecut demo` for a demo with its own keys); {DOCS}",
                id="tapecut.E001",
            )
        ]
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
