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


class WageRate(models.Model):
    """Hourly labour cost for the Standard Cost Model: one row per sector (and, where wanted,
    qualification level and unit). Admins edit the table; the default rows come from Destatis
    (docs/insights.md, "Cost of red tape")."""

    sector = models.CharField(max_length=200)
    level = models.CharField(max_length=100, blank=True, default="", help_text="blank: all")
    unit = models.CharField(max_length=100, blank=True, default="", help_text="blank: all units")
    hourly_cost = models.DecimalField(max_digits=8, decimal_places=2)
    source = models.CharField(max_length=300, blank=True, default="")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_default = models.BooleanField(default=False, help_text="used where no unit matches")

    class Meta:
        ordering = ["-is_default", "unit", "sector", "level"]

    def __str__(self) -> str:
        where = f" ({self.unit})" if self.unit else ""
        return f"{self.sector}{where}: {self.hourly_cost}/h"


class CostFactor(models.Model):
    """A factor the team set for one theme or one change, replacing the estimated one."""

    class Name(models.TextChoices):
        TIME_PER_CASE = "time_per_case", "time per case (hours)"
        CASES_PER_YEAR = "cases_per_year", "cases per year"
        HOURLY_COST = "hourly_cost", "hourly labour cost"
        OUT_OF_POCKET = "out_of_pocket", "out-of-pocket cost per case"
        TIME_SAVED = "time_saved", "time saved per case (hours)"

    theme = models.ForeignKey(
        "analysis.Theme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    change = models.ForeignKey(
        "triage.Change", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=20, choices=Name.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True, default="")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "name"], name="cost_factor_theme_once"),
            models.UniqueConstraint(fields=["change", "name"], name="cost_factor_change_once"),
            models.CheckConstraint(
                condition=models.Q(theme__isnull=True) ^ models.Q(change__isnull=True),
                name="cost_factor_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
