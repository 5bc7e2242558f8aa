"""Bearer tokens from ``tapecut token create``; tapecut.accounts.permissions decides what each
token's user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from tapecut.accounts.actions import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        request.user = found.user
        return found.user
