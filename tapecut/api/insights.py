"""/api/v1/insights: the dashboard's numbers, with the dashboard's filters (read only).

Leaders, triagers and admins may read them. Where fewer than five reports match, the answer
says ``"suppressed": true`` and carries no figures about reports, as the dashboard does.
"""

# No "from __future__ import annotations" here: django-ninja must resolve the types when it
# builds the schema, and strings from this module defeat it.

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from tapecut.accounts.permissions import require_api
from tapecut.insights import metrics, speed
from tapecut.insights.privacy import MIN_GROUP
from tapecut.insights.selection import FilterError, Selection, parse_filters, select

router = Router(tags=["insights"])
FILTERS_DOC = (
    "The same numbers as the dashboard. Filters (query parameters, all optional): `from` and "
    "`to` (dates, both included), `category` (a slug), `unit`, `channel` (smtp, imap, form, "
    "api, import)."
)


class GroupOut(Schema):
    key: str = Field(description='"__other__" for the groups of fewer than five, folded.')
    label: str
    reports: int
    value: float = Field(0.0, description="Hours lost per year (themes only).")


class FunnelData(Schema):
    received: int
    distinct: int = Field(description="Reports less those merged into another.")
    themes: int
    changes_proposed: int
    changes_done: int
    changes_declined: int


class Envelope(Schema):
    filters: dict[str, str]
    suppressed: bool = Field(description="Fewer than `min_group` reports match.")
    min_group: int


class FunnelOut(Envelope):
    funnel: FunnelData | None
    by_category: list[GroupOut] | None
    by_unit: list[GroupOut] | None
    by_channel: list[GroupOut] | None


class DurationsOut(Schema):
    count: int
    median_hours: float | None
    p90_hours: float | None


class OverdueOut(Schema):
    owner: str
    changes: int
    oldest_due: date


class SpeedData(Schema):
    first_response: DurationsOut
    awaiting_response: int
    decision: DurationsOut
    done: DurationsOut
    done_days: list[tuple[str, int]] = Field(description="(days, changes) per bar.")
    overdue: list[OverdueOut]


class SpeedOut(Envelope):
    speed: SpeedData | None


class ImpactData(Schema):
    hours_lost: float
    themes_not_shown: int = Field(description="Always 0 here: the API lists every theme.")
    hours_saved: float
    fix_yes: int
    fix_no: int
    fix_rate: float | None = Field(description="% yes; null below five answers.")
    re_reports: int
    hours_by_theme: list[GroupOut]


class ImpactOut(Envelope):
    impact: ImpactData | None


class CostLineOut(Schema):
    backend: str
    purpose: str
    calls: int
    usd: float


class BudgetOut(Schema):
    month: str
    limit_usd: float
    spent_usd: float
    fallback_active: bool
    note: str


class CostData(Schema):
    total_usd: float
    lines: list[CostLineOut]
    per_report_usd: float | None
    per_done_change_usd: float | None
    budget: BudgetOut
    budget_used_pct: float | None


class CostOut(Envelope):
    cost: CostData


def _selection(request: HttpRequest) -> Selection:
    require_api(request, "insights", "read insights")
    try:
        return select(parse_filters(request.GET))
    except FilterError as exc:
        raise HttpError(400, str(exc)) from None


def _envelope(sel: Selection) -> dict[str, Any]:
    return {"filters": sel.filters.as_query(), "suppressed": sel.suppressed, "min_group": MIN_GROUP}


@router.get(
    "/funnel",
    response=FunnelOut,
    summary="Reports → problems → themes → changes",
    description=FILTERS_DOC,
)
def funnel(request: HttpRequest) -> dict[str, Any]:
    sel = _selection(request)
    if sel.suppressed:
        return {
            **_envelope(sel),
            "funnel": None,
            "by_category": None,
            "by_unit": None,
            "by_channel": None,
        }
    parts = metrics.breakdowns(sel)
    return {
        **_envelope(sel),
        "funnel": metrics.funnel(sel),
        "by_category": parts.by_category,
        "by_unit": parts.by_unit,
        "by_channel": parts.by_channel,
    }


@router.get(
    "/speed",
    response=SpeedOut,
    summary="First response, decision, done, overdue",
    description=FILTERS_DOC,
)
def speed_figures(request: HttpRequest) -> dict[str, Any]:
    return _figures_of_linked_changes(request, "speed", speed.speed)


@router.get(
    "/impact",
    response=ImpactOut,
    summary="Hours lost and saved, fixes, re-reports",
    description=FILTERS_DOC,
)
def impact(request: HttpRequest) -> dict[str, Any]:
    return _figures_of_linked_changes(request, "impact", metrics.impact)


def _figures_of_linked_changes(
    request: HttpRequest, key: str, compute: Callable[[Any, Any], Any]
) -> dict[str, Any]:
    """Figures about the selection's changes, or none when the selection is too small."""
    sel = _selection(request)
    if sel.suppressed:
        return {**_envelope(sel), key: None}
    return {**_envelope(sel), key: compute(sel, metrics.linked_changes(sel))}


@router.get(
    "/cost",
    response=CostOut,
    summary="AI spend by backend and purpose, and budget",
    description=FILTERS_DOC,
)
def cost(request: HttpRequest) -> dict[str, Any]:
    sel = _selection(request)
    return {**_envelope(sel), "cost": metrics.cost(sel)}
