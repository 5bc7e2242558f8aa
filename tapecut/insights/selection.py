"""Which reports a dashboard, an export or an API call is about: period, category, unit, channel.

The same ``Filters`` come from the dashboard's form, the export links and the API's query
parameters (``from``, ``to``, ``category``, ``unit``, ``channel``), so all three count alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tapecut.analysis.models import Category
from tapecut.insights.privacy import MIN_GROUP
from tapecut.intake.models import Channel, Report

MAX_UNIT_CHARS = 100
T = TypeVar("T")


class FilterError(ValueError):
    """A filter the user gave cannot be applied; the message says which and why."""


@dataclass(frozen=True)
class Filters:
    start: date | None = None  # "from", inclusive, in TIME_ZONE
    end: date | None = None  # "to", inclusive
    category: str = ""  # a category's slug
    unit: str = ""
    channel: str = ""

    def as_query(self) -> dict[str, str]:
        """The query parameters that give these filters back (empty ones left out)."""
        names = {"start": "from", "end": "to"}
        return {names.get(k, k): str(v) for k, v in asdict(self).items() if v}

    @property
    def narrowed(self) -> bool:
        """Filtered by something other than the period."""
        return bool(self.category or self.unit or self.channel)


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FilterError(
            _("“%(name)s” must be a date like 2026-03-31, not “%(value)s”.")
            % {"name": name, "value": value[:40]}
        ) from None


def parse_filters(data: Mapping[str, str | None]) -> Filters:
    """Filters from query parameters; unknown values raise ``FilterError``."""
    start, end = parse_date(data.get("from"), "from"), parse_date(data.get("to"), "to")
    if start and end and start > end:
        raise FilterError(_("“from” must not be after “to”."))
    category = (data.get("category") or "").strip()
    if category and not Category.objects.filter(slug=category).exists():
        raise FilterError(_("There is no category “%(slug)s”.") % {"slug": category[:64]})
    channel = (data.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        raise FilterError(_("There is no channel “%(name)s”.") % {"name": channel[:20]})
    unit = (data.get("unit") or "").strip()
    if len(unit) > MAX_UNIT_CHARS:
        raise FilterError(_("A unit name has at most 100 characters."))
    return Filters(start=start, end=end, category=category, unit=unit, channel=channel)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """[start, end) as aware datetimes: the "to" day is counted whole."""
    start = day_start(filters.start) if filters.start else None
    end = day_start(filters.end + timedelta(days=1)) if filters.end else None
    return start, end


def in_period(qs: QuerySet, field: str, filters: Filters) -> QuerySet:
    start, end = period_bounds(filters)
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def report_q(filters: Filters, prefix: str = "") -> Q:
    """The filters as a condition on reports, reached through ``prefix`` ("report__" from a
    model with a foreign key to Report). No filter, no condition: no join, no subquery."""
    start, end = period_bounds(filters)
    conditions = {
        "received_at__gte": start,
        "received_at__lt": end,
        "analysis__category__slug": filters.category or None,
        "reporter__unit": filters.unit or None,
        "channel": filters.channel or None,
    }
    return Q(**{prefix + k: v for k, v in conditions.items() if v is not None})


def report_queryset(filters: Filters) -> QuerySet[Report]:
    return Report.objects.filter(report_q(filters)).order_by()


@dataclass(frozen=True)
class Selection:
    filters: Filters
    reports: QuerySet[Report]
    count: int
    # Intermediate results several figures share (the linked changes, reports per theme),
    # worked out once per selection.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self._memo:
            self._memo[name] = compute()
        value: T = self._memo[name]
        return value

    def q(self, prefix: str = "report__") -> Q:
        """The selection as a condition on rows that point at a report."""
        return report_q(self.filters, prefix)

    @property
    def suppressed(self) -> bool:
        """Too few reports to summarise without pointing at someone (none at all is fine)."""
        return 0 < self.count < MIN_GROUP


def select(filters: Filters) -> Selection:
    reports = report_queryset(filters)
    return Selection(filters=filters, reports=reports, count=reports.count())
