"""Bearer tokens from ``tapecut token create``; roles decide what each token's user may read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from tapecut.accounts.actions import authenticate_token
from tapecut.accounts.roles import ADMIN, TRIAGER, has_any_role

# Reading reports is triage work (the same roles as the triage workspace).
READ_ROLES = (TRIAGER, ADMIN)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


def require_read(request: HttpRequest) -> None:
    if not has_any_role(request.user, READ_ROLES):
        raise HttpError(403, "This token's user may not read reports (needs triager or admin).")
