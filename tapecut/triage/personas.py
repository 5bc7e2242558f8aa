"""The people of the triage tests, one per role, plus an outsider with no role at all.

Kept outside conftest.py so that any test module (and the access table) can import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tapecut.accounts.roles import ROLES

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test persona only


@dataclass(frozen=True)
class Personas:
    reporter: Any
    triager: Any
    owner: Any
    leader: Any
    custodian: Any
    admin: Any
    outsider: Any

    def by_name(self, name: str) -> Any:
        """The persona of that name; ``"visitor"`` is nobody (not logged in)."""
        return None if name == "visitor" else getattr(self, name)


NAMES = ("visitor", "reporter", "triager", "owner", "leader", "custodian", "admin", "outsider")


def make_user(username: str, *roles: str, staff: bool = False, password: str | None = None) -> Any:
    """A user with these roles. Without a password (tests log in with force_login): hashing
    one with Argon2 costs a quarter of a second per user."""
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@staff.example",
        password=password,
        first_name=username.title(),
        is_staff=staff,
    )
    for role in roles:
        group, _created = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


def make_personas() -> Personas:
    assert set(ROLES) >= {"reporter", "triager", "owner", "leader", "custodian", "admin"}
    return Personas(
        reporter=make_user("rita", "reporter"),
        triager=make_user("tom", "triager"),
        owner=make_user("olga", "owner"),
        leader=make_user("lea", "leader"),
        custodian=make_user("carl", "custodian"),
        admin=make_user("ada", "admin", staff=True),
        outsider=make_user("otto"),
    )
