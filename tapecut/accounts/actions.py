"""Every write of tapecut.accounts, the team's side: API tokens and roles, audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from tapecut.accounts.models import Token
from tapecut.accounts.roles import ROLES
from tapecut.core import audit

TOKEN_PREFIX = "tct_"  # noqa: S105 - a label, not a secret


# --- API tokens ----------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


SCOPES = ("read", "submit", "write")


def do_create_token(
    user: Any,
    *,
    name: str = "",
    scopes: tuple[str, ...] | list[str] = SCOPES,
    days: int | None = None,
    actor: Any = None,
) -> tuple[Token, str]:
    """A new API token for ``user``; the plain token is returned once and never stored.

    It may do only what ``scopes`` say and stops working after ``days``
    (``TAPECUT_API_TOKEN_DAYS`` by default).
    """
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(SCOPES)}; got {sorted(scopes)}")
    days = settings.TAPECUT_API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValueError("a token must be valid for at least one day")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:10],
        digest=token_digest(raw),
        scopes=",".join(s for s in SCOPES if s in scopes),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        "token.create",
        token,
        actor=actor,
        user=user.get_username(),
        name=name,
        scopes=token.scopes,
        days=days,
    )
    return token, raw


def do_revoke_token(token: Token, *, actor: Any = None) -> None:
    Token.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record("token.revoke", token, actor=actor)


def authenticate_token(raw: str) -> Token | None:
    token = (
        Token.objects.select_related("user")
        .filter(digest=token_digest(raw or ""), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is None or token.expires_at <= now:
        return None
    # Written at most every few minutes: every API call need not be a database write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        Token.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Roles ---------------------------------------------------------------------------------


def do_grant_role(user: Any, role: str, *, actor: Any = None) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_tapecut_roles", None)
    audit.record("role.grant", user, actor=actor, role=role)


def do_revoke_role(user: Any, role: str, *, actor: Any = None) -> None:
    user.groups.remove(*Group.objects.filter(name=role))
    user.__dict__.pop("_tapecut_roles", None)
    audit.record("role.revoke", user, actor=actor, role=role)
