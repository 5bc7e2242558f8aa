"""What insights keeps: which weekly digest went to whom (so nobody gets one twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DigestDelivery(models.Model):
    """One leader's digest for one ISO week. The row is the claim: it is written before the
    mail is sent, and removed again when sending fails, so the next run retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, "2026-W48"
    language = models.CharField(max_length=8, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"digest {self.week} for user {self.user_id}"
