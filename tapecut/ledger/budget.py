"""How much the month's model calls cost, and whether the monthly budget is spent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from tapecut.ledger.models import ModelCall


@dataclass(frozen=True)
class BudgetStatus:
    """The month's spending against the budget, as the dashboard shows it."""

    month: str  # "2026-11", in TIME_ZONE
    limit_usd: Decimal
    spent_usd: Decimal
    # Filled in by tapecut.ai.registry.budget_status: are cheaper backends standing in?
    fallback_active: bool = False
    note: str = ""

    @property
    def reached(self) -> bool:
        return self.spent_usd >= self.limit_usd

    @property
    def remaining_usd(self) -> Decimal:
        return max(Decimal(0), self.limit_usd - self.spent_usd)


def month_start(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(start: datetime) -> datetime:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    # Re-localise: the month may end on the other side of a daylight-saving change.
    return timezone.make_aware(following.replace(tzinfo=None), start.tzinfo)


def month_spend(now: datetime | None = None) -> Decimal:
    """The cost of every call in the month of ``now`` (local time), in USD."""
    start = month_start(now)
    rows = ModelCall.objects.filter(at__gte=start, at__lt=next_month_start(start))
    return Decimal(rows.aggregate(total=Sum("cost_usd"))["total"] or 0)


def monthly_limit() -> Decimal:
    return Decimal(str(settings.TAPECUT_AI_MONTHLY_BUDGET_USD))


def budget_status(now: datetime | None = None) -> BudgetStatus:
    start = month_start(now)
    return BudgetStatus(
        month=f"{start:%Y-%m}", limit_usd=monthly_limit(), spent_usd=month_spend(now)
    )
