"""Models every app may use: the job queue and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    """One unit of background work. The database is the queue (see ``tapecut.core.jobs``)."""

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    # A job with a key is enqueued at most once while pending (e.g. "parse:42").
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    run_after = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Used by tapecut.core.jobs.claim_next: pending jobs in run_after order.
            models.Index(
                fields=["run_after"],
                name="job_pending_idx",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} ({self.state})"


class AuditEvent(models.Model):
    """Who did what to which object. Written by the ``do_*`` actions, never edited."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=150, blank=True, default="")
    verb = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.verb}"


class ThrottleCounter(models.Model):
    """How often one client (a keyed hash of its address, never the address) did something.

    Counters live in the database so that every web process shares them. Old windows are
    deleted as new ones start (tapecut.core.throttle). The rows moved here from
    tapecut.accounts with their table (migrations accounts 0003 and core 0002).
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window"], name="throttle_unique")
        ]
        indexes = [models.Index(fields=["window"], name="throttle_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window:%Y-%m-%d %H:%M}: {self.count}"
