"""API tokens (the team's side)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Token(models.Model):
    """An API token. Only its SHA-256 is kept: the token itself is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    # The first characters, so that people can tell their tokens apart in a list.
    prefix = models.CharField(max_length=12)
    # Tokens are long random strings, so a fast hash is enough (nothing to brute-force).
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the token may do ("read", "submit", "write"; comma-separated) and until when.
    scopes = models.CharField(max_length=100, default="")
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]
