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
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from tapecut.analysis.models import DuplicateLink, ReportAnalysis
from tapecut.insights.selection import Selection
from tapecut.intake.models import FollowUp, Report
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


def unmerged(sel: Selection) -> QuerySet[Report]:
    merged = DuplicateLink.objects.filter(state=DuplicateLink.State.MERGED).values("report_id")
    return sel.reports.exclude(pk__in=merged)


def stamps_of(change: dict[str, datetime | None]) -> list[datetime]:
    return [at for name in STAMPS if (at := change[name]) is not None]


def response_times(
    reports: QuerySet[Report], changes: QuerySet[Change]
) -> tuple[dict[int, datetime], dict[int, list[datetime]]]:
    """When each report with any response arrived, and every response time found for it."""
    received: dict[int, datetime] = {}
    found: dict[int, list[datetime]] = defaultdict(list)
    ids = reports.values("id")
    team = FollowUp.objects.filter(author=FollowUp.Author.TEAM, report__in=ids).order_by()
    rows = team.values("report_id", "report__received_at").annotate(first=Min("created_at"))
    for row in rows:
        received[row["report_id"]] = row["report__received_at"]
        found[row["report_id"]].append(row["first"])
    stamps = {c["id"]: stamps_of(c) for c in changes.values("id", *STAMPS)}
    change_ids = changes.values("id")
    direct = Change.reports.through.objects.filter(change_id__in=change_ids, report__in=ids)
    via_theme = ReportAnalysis.objects.filter(report__in=ids, theme__changes__in=change_ids)
    pairs = [
        *direct.values_list("report_id", "report__received_at", "change_id"),
        *via_theme.values_list("report_id", "report__received_at", "theme__changes"),
    ]
    for report_id, arrived, change_id in pairs:
        if stamps.get(change_id):
            received[report_id] = arrived
            found[report_id] += stamps[change_id]
    return received, found


def first_responses(sel: Selection, changes: QuerySet[Change]) -> tuple[list[float], int]:
    """Hours to the first response of each answered report, and how many still wait."""
    reports = unmerged(sel)
    received, found = response_times(reports, changes)
    hours = []
    for report_id, times in found.items():
        later = [t for t in times if t >= received[report_id]]
        if later:
            hours.append(_hours(min(later), received[report_id]))
    return hours, reports.count() - len(hours)


def decision_and_done(changes: QuerySet[Change]) -> tuple[list[float], list[float]]:
    decided, done = [], []
    for c in changes.values("created_at", "approved_at", "declined_at", "done_at", "status"):
        first = min((c[k] for k in ("approved_at", "declined_at") if c[k]), default=None)
        if first is not None:
            decided.append(_hours(first, c["created_at"]))
        if c["status"] == Change.Status.DONE and c["done_at"] is not None:
            done.append(_hours(c["done_at"], c["created_at"]))
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
    responses, awaiting = first_responses(sel, changes)
    decided, done = decision_and_done(changes)
    return Speed(
        first_response=summarise(responses),
        awaiting_response=awaiting,
        decision=summarise(decided),
        done=summarise(done),
        done_days=done_distribution(done),
        overdue=overdue_by_owner(changes, today),
    )

