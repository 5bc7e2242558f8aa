"""Where the team hears of what happens (Destination), and each message sent there (Dispatch)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The events a destination may hear of (tapecut.notify.events).
EVENTS = (
    ("theme.new", _("A new theme")),
    ("theme.grew", _("A theme grows past its threshold")),
    ("change.attention", _("A reporter says a change did not fix it")),
    ("change.overdue", _("A change is past its due date")),
    ("change.done", _("A change is done")),
)


class Destination(models.Model):
    """One place to tell the team: an address, a webhook, a Slack or Teams channel."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook (JSON, signed)")
        SLACK = "slack", _("Slack incoming webhook")
        TEAMS = "teams", _("Microsoft Teams incoming webhook")

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A URL for the webhooks; comma-separated addresses for e-mail.
    target = models.CharField(max_length=2000)
    # Signs webhook bodies (HMAC-SHA256); unused by the other kinds.
    secret = models.CharField(max_length=200, blank=True, default="")
    # Event names from EVENTS; empty: all of them.
    events = models.JSONField(default=list, blank=True)
    # Only a destination marked so receives reporters' words (a "did not fix it" comment, a
    # theme's title taken from reports). Identities are never sent anywhere.
    allow_report_text = models.BooleanField(default=False)
    grow_threshold = models.PositiveIntegerField(default=10)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class Dispatch(models.Model):
    """One event for one destination. Unique per (destination, key): told once, retried by
    the job queue with backoff until it is accepted."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="sent")
    key = models.CharField(max_length=200)
    event = models.CharField(max_length=40)
    # What is sent, already without report text where the destination may not have it.
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["destination", "key"], name="dispatch_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.destination_id} ({self.state})"
