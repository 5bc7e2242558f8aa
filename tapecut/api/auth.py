"""Bearer tokens from ``tapecut token create``; tapecut.accounts.permissions decides what each
token's user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from tapecut.accounts.actions import authenticate_token


def needed_scope(request: HttpRequest) -> str:
    """What a call needs: reading, submitting a report, or changing something."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return "read"
    if request.method == "POST" and request.path.rstrip("/").endswith("/api/v1/reports"):
        return "submit"
    return "write"


class TokenAuth(HttpBearer):
    """A token that is known, not revoked, not expired, of an active user, with the scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        scope = needed_scope(request)
        if scope not in found.scope_list:
            raise HttpError(403, f"This token lacks the {scope!r} scope.")
        request.user = found.user
        return found.user
