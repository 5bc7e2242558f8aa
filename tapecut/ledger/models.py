"""One row per model call (or per batch of local embeddings)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ModelCall(models.Model):
    """A call to an AI backend: who it served, what it cost, whether it worked.

    Rows are only ever added (by ``tapecut.ledger.actions.do_record_call``); they are the audit
    trail of model use. ``report_id`` and ``theme_id`` are plain integers rather than foreign
    keys: money spent stays on the books after a report is deleted, and recording a call must
    never fail because a report vanished in the meantime.
    """

    at = models.DateTimeField(default=timezone.now)
    backend = models.CharField(max_length=100)
    model = models.CharField(max_length=200, blank=True, default="")
    purpose = models.CharField(max_length=64, blank=True, default="")
    # Texts in the call: a local embedder records one row per batch, not one per text.
    items = models.PositiveIntegerField(default=1)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    report_id = models.BigIntegerField(null=True, blank=True)
    theme_id = models.BigIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-at"]
        indexes = [
            # Used by tapecut.ledger.budget.month_spend: the sum of one month's costs.
            models.Index(fields=["at"], name="modelcall_at_idx"),
            models.Index(fields=["report_id"], name="modelcall_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.backend} {self.purpose} ${self.cost_usd}"
