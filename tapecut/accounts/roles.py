"""Roles are Django groups of these names (created by migration accounts 0002).

A superuser has every role. Apps ask ``has_role(user, "triager")`` rather than checking groups
themselves, so that how roles are stored can change in one place. What each role may do is
the permission table's business (tapecut.accounts.permissions).
"""

from __future__ import annotations

from typing import Any

REPORTER = "reporter"
TRIAGER = "triager"
OWNER = "owner"
LEADER = "leader"
# Holds the right to reveal a protected reporter's identity, with a reason, audited.
CUSTODIAN = "custodian"
ADMIN = "admin"

ROLES: tuple[str, ...] = (REPORTER, TRIAGER, OWNER, LEADER, CUSTODIAN, ADMIN)


def has_role(user: Any, role: str) -> bool:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    # Cached on the user object for the request: pages ask several times.
    cached: set[str] | None = getattr(user, "_tapecut_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._tapecut_roles = cached
    return role in cached


def has_any_role(user: Any, roles: tuple[str, ...] | list[str] | set[str]) -> bool:
    return any(has_role(user, role) for role in roles)
