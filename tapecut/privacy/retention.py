"""Which reports and messages retention deletes now: queries only, nothing is changed here.

A report expires ``TAPECUT_RETENTION_CLOSED_DAYS`` after the last of its changes was done or
declined, provided none is still open; a report no change answers expires
``TAPECUT_RETENTION_NO_CHANGE_DAYS`` after its last message. A change answers a report directly,
through the report's theme, or through the report it was merged into. Quarantined messages and
messages that were not reports expire ``TAPECUT_RETENTION_QUARANTINE_DAYS`` after they arrived.
0 days keeps them for ever.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q

from tapecut.analysis.models import DuplicateLink
from tapecut.intake.models import InboundMessage, Report
from tapecut.triage import linked
from tapecut.triage.models import Change


@dataclass(frozen=True)
class Expired:
    report_id: int
    rule: str  # "closed" or "no_change"
    since: datetime  # when the clock started: the last change closed, or the last message

    def describe(self, now: datetime) -> str:
        days = (now - self.since).days
        if self.rule == "closed":
            return f"report #{self.report_id}: its changes closed {days} days ago"
        return f"report #{self.report_id}: no change, last message {days} days ago"


def _days(value: int) -> timedelta | None:
    return timedelta(days=value) if value > 0 else None


def expired_reports(now: datetime) -> list[Expired]:
    closed_after = _days(settings.TAPECUT_RETENTION_CLOSED_DAYS)
    idle_after = _days(settings.TAPECUT_RETENTION_NO_CHANGE_DAYS)
    shortest = min((d for d in (closed_after, idle_after) if d), default=None)
    if shortest is None:
        return []
    candidates = dict(
        Report.objects.filter(purged_at__isnull=True, received_at__lt=now - shortest)
        .annotate(last=Max("followups__created_at"))
        .values_list("id", "last")
    )
    received = dict(Report.objects.filter(id__in=candidates).values_list("id", "received_at"))
    changes = changes_by_report(list(candidates))
    out = []
    for report_id, last_followup in candidates.items():
        last = max(d for d in (received[report_id], last_followup) if d is not None)
        found = _expiry(changes.get(report_id, []), last, closed_after, idle_after, now)
        if found is not None:
            out.append(Expired(report_id, *found))
    return sorted(out, key=lambda e: e.report_id)


def _expiry(
    changes: list[tuple[str, datetime | None]],
    last_message: datetime,
    closed_after: timedelta | None,
    idle_after: timedelta | None,
    now: datetime,
) -> tuple[str, datetime] | None:
    if not changes:
        if idle_after and last_message <= now - idle_after:
            return "no_change", last_message
        return None
    if closed_after is None or any(closed is None for _status, closed in changes):
        return None  # a change is still open: the report is still needed
    closed = max(c for _s, c in changes if c is not None)
    return ("closed", closed) if closed <= now - closed_after else None


def changes_by_report(report_ids: list[int]) -> dict[int, list[tuple[str, datetime | None]]]:
    """Each report's answering changes as (status, closed at or None while open)."""
    out: dict[int, list[tuple[str, datetime | None]]] = defaultdict(list)
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start : start + 500]
        targets = _answered_through(chunk)
        wanted = {t for ts in targets.values() for t in ts}
        for change in _changes_for(wanted):
            for report_id, ts in targets.items():
                if ts & change[0]:
                    out[report_id].append(change[1])
    return out


def _answered_through(report_ids: list[int]) -> dict[int, set[tuple[str, int]]]:
    """For each report: ("report", id) of itself and its merge target (changes link reports)."""
    targets: dict[int, set[tuple[str, int]]] = {r: {("report", r)} for r in report_ids}
    merged = DuplicateLink.objects.filter(report_id__in=report_ids, state="merged")
    for report_id, original_id in merged.values_list("report_id", "original_id"):
        targets[report_id].add(("report", original_id))
    return targets


def _changes_for(
    targets: set[tuple[str, int]],
) -> list[tuple[set[tuple[str, int]], tuple[str, datetime | None]]]:
    reports = {i for kind, i in targets if kind == "report"}
    answers: dict[int, set[tuple[str, int]]] = defaultdict(set)
    direct = linked.links(Q(report_id__in=reports))
    for change_id, report_id in direct.values_list("change_id", "report_id"):
        answers[change_id].add(("report", report_id))
    out = []
    for change in Change.objects.filter(id__in=answers).only(
        "status", "done_at", "declined_at", "updated_at"
    ):
        closed = (
            (change.done_at or change.declined_at or change.updated_at)
            if change.is_closed
            else None
        )
        out.append((answers[change.pk], (change.status, closed)))
    return out


def expired_messages(now: datetime) -> list[int]:
    """Quarantined and not-a-report messages whose bytes retention deletes now."""
    after = _days(settings.TAPECUT_RETENTION_QUARANTINE_DAYS)
    if after is None:
        return []
    unused = Q(state=InboundMessage.State.QUARANTINED) | Q(
        state=InboundMessage.State.PARSED, outcome=InboundMessage.Outcome.NON_REPORT
    )
    found = InboundMessage.objects.filter(
        unused, purged_at__isnull=True, received_at__lt=now - after
    )
    return list(found.order_by("id").values_list("id", flat=True))
