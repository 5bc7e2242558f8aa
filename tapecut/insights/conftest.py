"""Fixtures for the insights tests, and the expected numbers worked out from the seed lists.

``expected(world, ...)`` never calls tapecut.insights: it counts the lists in
tapecut.insights.testing again, in plain Python, and formats the numbers as the English
dashboard shows them (keyed by their ``data-metric`` names).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tapecut.insights.testing import CALLS, CHANGES, REPORTS, World, build_world
from tapecut.triage.personas import Personas, make_personas

BUDGET = 2.0
OPEN = {"proposed", "approved", "in_progress"}
USERNAMES = {"owner": "olga", "triager": "tom"}
CATEGORY_LABELS = {"approvals": "Approvals and sign-offs", "meetings": "Meetings"}
CATEGORY_LABELS["reporting"] = "Reporting and documentation"
CHANNEL_LABELS = {"smtp": "Email (SMTP)", "form": "Web form", "api": "API"}


@pytest.fixture(autouse=True)
def _insights_settings() -> Any:
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=0, TAPECUT_AI_MONTHLY_BUDGET_USD=BUDGET):
        yield


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)


def n(value: int) -> str:
    return f"{value:,}"


def d1(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def usd(value: float | Decimal | None, places: int = 2) -> str:
    return "–" if value is None else f"${value:,.{places}f}"


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def fold_groups(groups: dict[str, tuple[int, float]], by_value: bool = False) -> list[tuple]:
    """Groups (key → reports, value) as the dashboard must show them: fewer than five folded."""
    big = sorted((k for k, (c, _v) in groups.items() if c >= 5), key=lambda k: -groups[k][0])
    small = [k for k, (c, _v) in groups.items() if c < 5]
    while small and sum(groups[k][0] for k in small) < 5 and big:
        smallest = max(big, key=lambda k: (-groups[k][0], k))  # ties: the last key goes
        big.remove(smallest)
        small.append(smallest)
    rows = [(k, *groups[k]) for k in big]
    if small and sum(groups[k][0] for k in small) >= 5:
        rows.append(
            ("__other__", sum(groups[k][0] for k in small), sum(groups[k][1] for k in small))
        )
    return rows


def selected(world: World, start: date | None, end: date | None, **match: str) -> list[Any]:
    def keep(spec: Any) -> bool:
        day = local_day(world.ago(spec.days_ago))
        if (start and day < start) or (end and day > end):
            return False
        return all(getattr(spec, name) == value for name, value in match.items() if value)

    return [spec for spec in REPORTS if keep(spec)]


def linked(sel: list) -> list:
    keys = {s.key for s in sel}
    themes = {s.theme for s in sel if s.theme}
    return [c for c in CHANGES if set(c.reports) & keys or set(c.themes) & themes]


def stamps(c: Any) -> list[float]:
    return [d for d in (c.approved, c.started, c.done, c.declined) if d is not None]


def funnel(sel: list, changes: list) -> dict[str, Any]:
    statuses = [c.status for c in changes]
    return {
        "funnel.received": len(sel),
        "funnel.distinct": len([s for s in sel if not s.merged_into]),
        "funnel.themes": len({s.theme for s in sel if s.theme}),
        "funnel.changes_proposed": len(changes),
        "funnel.changes_done": statuses.count("done"),
        "funnel.changes_declined": statuses.count("declined"),
    }


def first_response_hours(world: World, sel: list, changes: list) -> tuple[list[float], int]:
    from tapecut.insights.testing import FOLLOWUPS

    hours, waiting = [], 0
    for s in (s for s in sel if not s.merged_into):
        received = world.ago(s.days_ago)
        times = [
            received + timedelta(hours=f.hours_after)
            for f in FOLLOWUPS
            if f.report == s.key and f.author == "team"
        ]
        for c in changes:
            if s.key in c.reports or (s.theme and s.theme in c.themes):
                times += [world.ago(d) for d in stamps(c) if world.ago(d) >= received]
        if times:
            hours.append((min(times) - received).total_seconds() / 3600)
        else:
            waiting += 1
    return hours, waiting


def durations(prefix: str, hours: list[float], days: bool) -> dict[str, str]:
    if not hours:
        return {f"{prefix}.count": "0", f"{prefix}.median": "–", f"{prefix}.p90": "–"}
    median = statistics.median(hours)
    p90 = sorted(hours)[math.ceil(0.9 * len(hours)) - 1]
    scale = 24 if days else 1
    return {
        f"{prefix}.count": n(len(hours)),
        f"{prefix}.median": d1(median / scale),
        f"{prefix}.p90": d1(p90 / scale),
    }


def speed(world: World, sel: list, changes: list) -> dict[str, str]:
    first, waiting = first_response_hours(world, sel, changes)
    decided = [
        (c.created - max(d for d in (c.approved, c.declined) if d is not None)) * 24
        for c in changes
        if c.approved is not None or c.declined is not None
    ]
    done = [(c.created - c.done) * 24 for c in changes if c.status == "done"]
    out = {"speed.awaiting_response": n(waiting)}
    out |= durations("speed.first_response", first, days=False)
    out |= durations("speed.decision", decided, days=True)
    out |= durations("speed.done", done, days=True)
    bounds = [(0, 7), (7, 14), (14, 30), (30, 60), (60, 90), (90, 180)]
    for low, high in bounds:
        out[f"speed.done_days.{low}–{high}"] = n(
            sum(1 for h in done if low < h / 24 <= high or (low == 0 and h == 0))
        )
    out["speed.done_days.>180"] = n(sum(1 for h in done if h / 24 > 180))
    late: dict[str, list[date]] = defaultdict(list)
    today = timezone.localdate(world.base)
    for c in changes:
        if c.status in OPEN and c.due_in_days is not None and c.due_in_days < 0:
            late[USERNAMES.get(c.owner or "", "-")].append(today + timedelta(days=c.due_in_days))
    for owner, dues in late.items():
        out[f"speed.overdue.{owner}.changes"] = n(len(dues))
        out[f"speed.overdue.{owner}.oldest"] = min(dues).isoformat()
    return out


def impact(world: World, sel: list, changes: list) -> dict[str, str]:
    done = [c for c in CHANGES if c.status == "done"]
    saved = [
        s for s in sel if any(s.key in c.reports or (s.theme and s.theme in c.themes) for c in done)
    ]
    again = [s for s in sel if any(s.theme in c.themes and s.days_ago < c.done for c in done)]
    yes, no = sum(c.yes for c in changes), sum(c.no for c in changes)
    out = {
        "impact.hours_lost": d1(sum(s.hours or 0 for s in sel)),
        "impact.hours_saved": d1(sum(s.hours or 0 for s in saved)),
        "impact.fix_yes": n(yes),
        "impact.fix_no": n(no),
        "impact.fix_rate": d1(100 * yes / (yes + no)) if yes + no >= 5 else "–",
        "impact.re_reports": n(len(again)),
    }
    groups: dict[str, tuple[int, float]] = {}
    for s in (s for s in sel if s.theme):
        key = str(world.themes[s.theme].pk)
        count, hours = groups.get(key, (0, 0.0))
        groups[key] = (count + 1, hours + (s.hours or 0))
    for key, count, hours in fold_groups(groups):
        out[f"impact.theme.{key}.reports"] = n(count)
        out[f"impact.theme.{key}.hours"] = d1(hours)
    return out


def breakdowns(sel: list) -> dict[str, str]:
    out = {}
    for name, attr in (("category", "category"), ("unit", "unit"), ("channel", "channel")):
        groups: dict[str, tuple[int, float]] = {}
        for s in sel:
            key = getattr(s, attr) or "-"
            groups[key] = (groups.get(key, (0, 0.0))[0] + 1, 0.0)
        for key, count, _v in fold_groups(groups):
            out[f"breakdown.{name}.{key}.reports"] = n(count)
    return out


def months(first: date, last: date) -> list[str]:
    keys, day = [], first.replace(day=1)
    while day <= last:
        keys.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return keys


def over_time(
    world: World, sel: list, changes: list, start: date | None, end: date | None
) -> dict[str, str]:
    today = timezone.localdate(world.base)
    first = start or min(local_day(world.ago(s.days_ago)) for s in sel)
    out = {}
    for key in months(first, end or today):

        def month_of(days_ago: float | None, k: str = key) -> bool:
            return days_ago is not None and f"{local_day(world.ago(days_ago)):%Y-%m}" == k

        out[f"over_time.reports.{key}"] = n(sum(month_of(s.days_ago) for s in sel))
        out[f"over_time.changes_proposed.{key}"] = n(sum(month_of(c.created) for c in changes))
        out[f"over_time.changes_done.{key}"] = n(
            sum(month_of(c.done) for c in changes if c.status == "done")
        )
    return out


def cost(world: World, start: date | None, end: date | None) -> dict[str, str]:
    def inside(days_ago: float) -> bool:
        day = local_day(world.ago(days_ago))
        return not ((start and day < start) or (end and day > end))

    calls = [c for c in CALLS if inside(c.days_ago)]
    total = sum(float(c.usd) for c in calls)
    reports = sum(1 for s in REPORTS if inside(s.days_ago))
    done = sum(1 for c in CHANGES if c.status == "done" and inside(c.done or 0))
    now = timezone.localtime(world.base)
    month = [
        c
        for c in CALLS
        if timezone.localtime(world.ago(c.days_ago)).strftime("%Y-%m") == f"{now:%Y-%m}"
    ]
    spent = sum(float(c.usd) for c in month)
    out = {
        "cost.total": usd(total),
        "cost.per_report": usd(total / reports, 4) if reports else "–",
        "cost.per_done_change": usd(total / done, 4) if done else "–",
        "cost.budget.spent": usd(spent),
        "cost.budget.limit": usd(BUDGET),
        "cost.budget.used_pct": d1(100 * spent / BUDGET),
    }
    lines: dict[str, list[float]] = defaultdict(list)
    for c in calls:
        lines[f"{c.backend}/{c.purpose}"].append(float(c.usd))
    for key, costs in lines.items():
        out[f"cost.line.{key}.calls"] = n(len(costs))
        out[f"cost.line.{key}.usd"] = usd(sum(costs))
    return out


def expected(
    world: World, start: date | None = None, end: date | None = None, **match: str
) -> dict[str, str]:
    """Every number of the English dashboard for these filters, by data-metric name."""
    sel = selected(world, start, end, **match)
    out = cost(world, start, end)
    if 0 < len(sel) < 5:
        return out
    changes = linked(sel)
    out |= {"selection.reports": n(len(sel))}
    out |= {k: n(v) for k, v in funnel(sel, changes).items()}
    out |= speed(world, sel, changes) | impact(world, sel, changes) | breakdowns(sel)
    return out | over_time(world, sel, changes, start, end)


__all__ = ["CATEGORY_LABELS", "CHANNEL_LABELS", "expected"]
