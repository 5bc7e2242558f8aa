"""Retention runs and a reporter's erasure: the only writes of tapecut.privacy, each audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tapecut.accounts.permissions import can
from tapecut.core import audit
from tapecut.intake.models import Report, Reporter
from tapecut.privacy import retention, wipe


@dataclass
class PurgeResult:
    expired: list[retention.Expired] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)  # quarantined / not reports
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self, now: datetime) -> list[str]:
        out = [e.describe(now) for e in self.expired]
        out += [
            f"message {pk}: quarantined or not a report, past retention" for pk in self.messages
        ]
        return out


def plan_purge(now: datetime | None = None) -> PurgeResult:
    """What retention would delete now (``tapecut purge --dry-run``)."""
    now = now or timezone.now()
    return PurgeResult(retention.expired_reports(now), retention.expired_messages(now))


# Reports per transaction: SQLite has one writer, and intake must not wait long for it.
BATCH = 100


def do_purge(now: datetime | None = None, *, actor: Any = None) -> PurgeResult:
    """Delete what retention says has gone past its time; a second run finds nothing.

    Work is committed in batches, so a first run over years of mail does not hold the database
    for minutes; a run stopped half-way leaves whole batches done, and the next run does the rest.
    """
    result = plan_purge(now)
    counts = dict.fromkeys(("reports", "messages", "followups", "identities", "other_messages"), 0)
    for start in range(0, len(result.expired), BATCH):
        _add(counts, _purge_batch(result.expired[start : start + BATCH], actor))
    for start in range(0, len(result.messages), BATCH):
        with transaction.atomic():
            done = wipe.wipe_messages(result.messages[start : start + BATCH])
        _add(counts, {"other_messages": done})
    if result.expired or result.messages:
        audit.record("retention.run", actor=actor, counts=counts)
    result.counts = counts
    return result


def _purge_batch(batch: list[retention.Expired], actor: Any) -> dict[str, int]:
    report_ids = [e.report_id for e in batch]
    with transaction.atomic():
        counts = wipe.wipe_reports(report_ids)
        # A reporter whose other reports are still kept keeps their identity until those go.
        reporters = wipe.reporters_without_kept_reports(report_ids)
        for reporter in reporters:
            wipe.wipe_identity(reporter)
        counts["identities"] = len(reporters)
        for expired in batch:
            audit.record(
                "retention.purge",
                Report(pk=expired.report_id),
                actor=actor,
                rule=expired.rule,
                since=expired.since.isoformat(),
            )
    return counts


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def find_reporter(*, report_id: int | None = None, address: str = "") -> Reporter | None:
    """The reporter behind a report, or by address (plain for named, keyed hash otherwise)."""
    from tapecut.core import crypto
    from tapecut.intake.addresses import normalise

    if report_id is not None:
        report = Report.objects.select_related("reporter").filter(pk=report_id).first()
        return report.reporter if report is not None else None
    norm = normalise(address)
    found = Reporter.objects.filter(address=norm).first() if norm else None
    return found or Reporter.objects.filter(address_hmac=crypto.keyed_hash(norm)).first()


def do_erase_reporter(reporter: Reporter, *, actor: Any, reason: str) -> dict[str, int]:
    """Erase one reporter's personal data on request (GDPR Art. 17). Counts stay."""
    _check_custodian(actor, reason)
    report_ids = list(Reporter.objects.get(pk=reporter.pk).reports.values_list("id", flat=True))
    with transaction.atomic():
        counts = wipe.wipe_reports(report_ids)
        wipe.wipe_identity(reporter)
        audit.record("reporter.erase", reporter, actor=actor, reason=reason, counts=counts)
    return counts


def _check_custodian(actor: Any, reason: str) -> None:
    if not can(actor, "reporter_data"):
        raise PermissionDenied("Only a custodian may do this for a reporter.")
    if len(reason.strip()) < 10:
        raise ValueError("Give a reason of at least 10 characters.")
