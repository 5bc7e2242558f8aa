"""How fast the team answers and acts: first response, decision, done, and what is overdue.

Definitions (docs/insights.md says the same):

* **First response** to a report: the earliest of a team follow-up on it (an answer or a
  question) and the status stamps (approved, started, done, declined) of the changes linked to
  it, directly or through its theme, that are not earlier than the report itself. Reports
  merged into another are left out: the team answers the original.
* **Time to decision**: from a change's creation to the first of approved and declined.
* **Time to done**: from a change's creation to done, for changes that are done now.
* Medians are the middle value (the mean of the two middle ones for an even count); the 90th
  percentile is the nearest-rank one: the smallest value with at least 90 % at or below it.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, FloatField, Func, Min, QuerySet
from django.utils import timezone

from tapecut.analysis.models import DuplicateLink
from tapecut.insights.selection import Selection
from tapecut.intake.models import FollowUp
from tapecut.triage import linked
from tapecut.triage.models import Change

OPEN = (Change.Status.PROPOSED, Change.Status.APPROVED, Change.Status.IN_PROGRESS)
STAMPS = ("approved_at", "started_at", "done_at", "declined_at")
# Upper bounds in days of the time-to-done chart's bars; the last bar is everything above.
DONE_BUCKETS = (7, 14, 30, 60, 90, 180)


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Overdue:
    owner: str  # "" when nobody owns it
    changes: int
    oldest_due: date


@dataclass(frozen=True)
class Speed:
    first_response: Durations
    awaiting_response: int
    decision: Durations
    done: Durations
    done_days: list[tuple[str, int]]  # (bucket label, changes) for the distribution chart
    overdue: list[Overdue]


def nearest_rank(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summarise(hours: list[float]) -> Durations:
    if not hours:
        return Durations(0, None, None)
    return Durations(len(hours), statistics.median(hours), nearest_rank(hours, 90))


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


class Epoch(Func):
    """Seconds since 1970 of a timestamp, computed by the database.

    Durations over 100,000 reports are subtracted in SQL: turning each timestamp into a Python
    datetime first would cost more than all the queries together.
    """

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps UTC text in SQLite; julianday() reads it (2440587.5 is 1970-01-01).
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return super().as_sql(compiler, connection, template=template, **extra)


ARRIVED = Epoch("report__received_at")


def _stamps(links: QuerySet[Any], key: str) -> dict[int, list[float]]:
    """Every status stamp of the changes behind ``links`` (rows with a ``change``), sorted, by
    ``key`` (the theme or the change)."""
    epochs = {name: Epoch(f"change__{name}") for name in STAMPS}
    found: dict[int, list[float]] = {}
    for pk, *stamps in links.annotate(**epochs).values_list(key, *STAMPS):
        found.setdefault(pk, []).extend(t for t in stamps if t is not None)
    return {pk: sorted(times) for pk, times in found.items()}


def _earliest(
    rows: Iterable[tuple[int, int, float]],
    stamps: dict[int, list[float]],
    found: dict[int, tuple[float, float]],
) -> None:
    """Per report, keep (received, earliest response): from rows of (report, key, received),
    the first stamp under ``key`` that is not before the report."""
    for report_id, key, received in rows:
        times = stamps.get(key, [])
        i = bisect_left(times, received)
        if i < len(times) and (report_id not in found or times[i] < found[report_id][1]):
            found[report_id] = (received, times[i])


def _team_answers(sel: Selection, merged: QuerySet[Any]) -> dict[int, tuple[float, float]]:
    team = FollowUp.objects.filter(sel.q(), author=FollowUp.Author.TEAM)
    rows = (
        team.exclude(report_id__in=merged)
        .order_by()
        .values("report_id")
        .annotate(r=Min(ARRIVED), t=Epoch(Min("created_at")))
        .values_list("report_id", "r", "t")
    )
    return {report_id: (received, first) for report_id, received, first in rows}


def first_responses(sel: Selection) -> tuple[list[float], int]:
    """Hours to the first response of each answered report, and how many still wait."""
    merged = DuplicateLink.objects.filter(state=DuplicateLink.State.MERGED).values("report_id")
    found = _team_answers(sel, merged)
    # Status stamps: a few hundred changes, looked up in Python for each linked report.
    direct = linked.links(sel.q()).exclude(report_id__in=merged)
    direct_rows: Any = direct.annotate(r=ARRIVED)
    by_change = _stamps(direct, "change_id")
    _earliest(direct_rows.values_list("report_id", "change_id", "r"), by_change, found)
    hours = [(first - received) / 3600 for received, first in found.values()]
    waiting = sel.reports.exclude(pk__in=merged).count() - len(hours)
    return hours, waiting


def decision_and_done(changes: QuerySet[Change]) -> tuple[list[float], list[float]]:
    decided, done = [], []
    fields = ("created_at", "approved_at", "declined_at", "done_at", "status")
    for created, approved, declined, done_at, status in changes.values_list(*fields):
        first = min((at for at in (approved, declined) if at is not None), default=None)
        if first is not None:
            decided.append(_hours(first, created))
        if status == Change.Status.DONE and done_at is not None:
            done.append(_hours(done_at, created))
    return decided, done


def done_distribution(done_hours: list[float]) -> list[tuple[str, int]]:
    """Changes per bar of days to done: up to 7, over 7 up to 14, …, over 180."""
    counts = [0] * (len(DONE_BUCKETS) + 1)
    for hours in done_hours:
        days = hours / 24
        bar = next((i for i, top in enumerate(DONE_BUCKETS) if days <= top), len(DONE_BUCKETS))
        counts[bar] += 1
    return list(zip(done_bucket_labels(), counts, strict=True))


def done_bucket_labels() -> list[str]:
    lows = (0, *DONE_BUCKETS)
    labels = [f"{low}–{top}" for low, top in zip(lows, DONE_BUCKETS, strict=False)]
    return [*labels, f">{DONE_BUCKETS[-1]}"]


def overdue_by_owner(changes: QuerySet[Change], today: date) -> list[Overdue]:
    late = changes.filter(status__in=OPEN, due_date__lt=today).order_by()
    rows = late.values("owner__username").annotate(n=Count("id"), oldest=Min("due_date"))
    found = [Overdue(r["owner__username"] or "", r["n"], r["oldest"]) for r in rows]
    return sorted(found, key=lambda o: (-o.changes, o.oldest_due, o.owner))


def speed(sel: Selection, changes: QuerySet[Change], now: datetime | None = None) -> Speed:
    """``changes``: the changes linked to the selection (tapecut.insights.metrics)."""
    today = timezone.localdate(now or timezone.now())
    responses, awaiting = first_responses(sel)
    decided, done = decision_and_done(changes)
    return Speed(
        first_response=summarise(responses),
        awaiting_response=awaiting,
        decision=summarise(decided),
        done=summarise(done),
        done_days=done_distribution(done),
        overdue=overdue_by_owner(changes, today),
    )
