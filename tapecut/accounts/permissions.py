"""Who may do what, in one table: pages, the API, insights and commands all ask it.

Views use ``require(permission)``, the API ``require_api(request, permission)``, and code with
a user in hand ``can(user, permission)``. A resource that depends on who the user is (a change
its owner may edit) has one accessor here, in the style of healthchecks' ``_get_check_for_user``.
Roles themselves live in tapecut.accounts.roles.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from tapecut.accounts.roles import ROLES, has_role

# What each permission needs: any one of these roles.
PERMISSIONS: dict[str, frozenset[str]] = {
    # Read and work the inbox, reports, themes, merges, notes and questions (pages and API),
    # theme operations included: accepting re-clustering's proposed moves (the theme page's
    # "accept" and POST /api/v1/themes/{id}/proposals/accept) is one of them.
    "triage": frozenset({"triager", "admin"}),
    # Create changes and edit any change (owners edit their own, see can_edit_change).
    "manage_changes": frozenset({"triager", "admin"}),
    # See the list of changes (owners see only theirs).
    "see_changes": frozenset({"triager", "owner", "admin"}),
    # The "You said, we did" board holds no identities: every role may read it.
    "board": frozenset(ROLES),
    "audit": frozenset({"admin"}),
    # Quarantined mail: admins work it; custodians see it for the bytes of protected messages.
    "quarantine": frozenset({"admin", "custodian"}),
    "manage_quarantine": frozenset({"admin"}),
    # A reporter's access and erasure requests (tapecut.privacy): the custodian.
    "reporter_data": frozenset({"custodian"}),
    # Revealing who sent a protected report, with a reason, audited (tapecut.custody).
    "reveal": frozenset({"custodian"}),
    # The team's (sanitised) copy of an original message.
    "original": frozenset({"triager", "custodian", "admin"}),
    # Dashboards, exports and the insights guide, on pages and through the API.
    "insights": frozenset({"leader", "triager", "admin"}),
    # Operational metrics without the metrics token.
    "metrics": frozenset({"admin"}),
}


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role for role in ROLES if has_role(user, role)}


def can(user: Any, permission: str) -> bool:
    return bool(user_roles(user) & PERMISSIONS[permission])


def changes_for_user(user: Any, changes: QuerySet[Any]) -> QuerySet[Any]:
    """The changes ``user`` may see: all of them with manage_changes, else those they own."""
    return changes if can(user, "manage_changes") else changes.filter(owner=user)


def can_see_change(user: Any, change: Any) -> bool:
    return can(user, "manage_changes") or (
        "owner" in user_roles(user) and change.owner_id == user.pk
    )


def can_edit_change(user: Any, change: Any) -> bool:
    # The owner of a change updates it (status, texts in other languages: the pages and
    # PUT /api/v1/changes/{id}/texts/{lang}); triagers and admins may update any.
    return can_see_change(user, change)


View = Callable[..., HttpResponse]


def require(permission: str) -> Callable[[View], View]:
    """Log in first (302), then the permission (403)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def require_api(request: HttpRequest, permission: str, what: str = "do this") -> None:
    """The same table for API calls: a 403 with a reason instead of a page."""
    from ninja.errors import HttpError

    if not can(request.user, permission):
        roles = ", ".join(sorted(PERMISSIONS[permission]))
        raise HttpError(403, f"This token's user may not {what} (needs one of: {roles}).")
