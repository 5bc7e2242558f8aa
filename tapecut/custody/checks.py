"""Start-up checks for identity protection (ids tapecut.W010 …, see docs/configuration.md)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from tapecut.core import crypto
from tapecut.core.checks import strict_keys

DOCS = "see docs/configuration.md and docs/threat-model.md"


@register(Tags.security)
def check_identity_keys(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    # Outside DEBUG a derived key is an error: SECRET_KEY sits in settings files and images.
    strict = strict_keys()
    if crypto.uses_derived_key():
        problems.append(
            (Error if strict else Warning)(
                "TAPECUT_IDENTITY_KEYS is not set: identities are encrypted with a key derived "
                "from SECRET_KEY, so anyone with SECRET_KEY and the database can read them.",
                hint=f"Generate one with `tapecut rotate-keys --generate`; {DOCS}",
                id="tapecut.E013" if strict else "tapecut.W010",
            )
        )
    else:
        for index, key in enumerate(crypto.configured_keys()):
            try:
                Fernet(key)
            except ValueError:
                problems.append(
                    Error(
                        f"Key number {index + 1} in TAPECUT_IDENTITY_KEYS is not a Fernet key.",
                        hint=DOCS,
                        id="tapecut.E010",
                    )
                )
    if crypto.uses_derived_hmac_key():
        problems.append(
            (Error if strict else Warning)(
                "TAPECUT_IDENTITY_HMAC_KEY is not set: keyed hashes of addresses and mail use "
                "SECRET_KEY, so anyone with it can test a guess against them.",
                hint=f"Set TAPECUT_IDENTITY_HMAC_KEY (e.g. `openssl rand -hex 32`); {DOCS}",
                id="tapecut.E014" if strict else "tapecut.W011",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_demo_keys(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.DEMO_KEYS:
        return [
            Warning(
                "Keys come from the demo key file in the var dir, beside the database.",
                hint=f"Set SECRET_KEY, TAPECUT_IDENTITY_KEYS and TAPECUT_IDENTITY_HMAC_KEY "
                f"(as *_FILE from a secret store) and delete demo-keys.json; {DOCS}",
                id="tapecut.W012",
            )
        ]
    return []


MODES = {"named", "pseudonymous", "anonymous"}


@register()
def check_modes(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    unknown = set(settings.TAPECUT_AUTOREPLY_MODES) - MODES
    if unknown:
        problems.append(
            Error(
                f"TAPECUT_AUTOREPLY_MODES has unknown modes: {', '.join(sorted(unknown))}.",
                hint=DOCS,
                id="tapecut.E011",
            )
        )
    if settings.TAPECUT_IMAP_MODE and settings.TAPECUT_IMAP_MODE not in MODES:
        problems.append(
            Error(
                "TAPECUT_IMAP_MODE must be empty, named, pseudonymous or anonymous.",
                hint=DOCS,
                id="tapecut.E012",
            )
        )
    return problems
