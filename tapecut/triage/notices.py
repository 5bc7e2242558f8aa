"""Who hears about a change, once each, in their language and through their channel.

A change reaches a reporter whose report is linked to it (``ChangeReport``; a theme's reports are
linked when the change is made from it, later arrivals only proposed) or merged with a linked
report, either way round. Every reporter gets one Notice row per step of a change (planned, in
progress, done, declined); the unique constraints on Notice make a second one impossible, so
planning may run any number of times.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tapecut.core import audit, jobs
from tapecut.core.tasks import job_task
from tapecut.intake.models import Mode, Report, Reporter
from tapecut.triage import following, linked, steps
from tapecut.triage.delivery import deliver
from tapecut.triage.models import Change, Notice, Question

log = logging.getLogger(__name__)

PLAN_JOB = "triage.plan_outcome"
SEND_JOB = "triage.send_notice"


def linked_report_ids(change: Change) -> set[int]:
    """Whose reporters hear about this change: see ``tapecut.triage.linked``."""
    return linked.notice_report_ids(change)


def language_for(report: Report, reporter: Reporter | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    for lang in (getattr(reporter, "language", ""), report.language):
        if lang and lang[:2] in known:
            return lang[:2]
    return str(settings.LANGUAGE_CODE)


def channel_for(report: Report, reporter: Reporter | None) -> str:
    """Email for named and pseudonymous reporters; the receipt page for everyone else.

    A named reporter without an address (a web form without one) has only the report's thread.
    Pseudonymous reporters always have a sealed address; it is not decrypted here.
    """
    if reporter is None or reporter.mode == Mode.ANONYMOUS:
        return Notice.Channel.RECEIPT
    if reporter.mode == Mode.NAMED and not reporter.address:
        return Notice.Channel.RECEIPT
    return Notice.Channel.EMAIL


def _get_or_create(lookup: dict[str, Any], defaults: dict[str, Any]) -> tuple[Notice, bool]:
    try:
        with transaction.atomic():
            return Notice.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        # Another worker planned the same notice a moment ago.
        return Notice.objects.get(**lookup), False


def do_plan_outcome(change: Change, step: str = "") -> list[Notice]:
    """Create the missing notices of one step of a change (by default the step it is at);
    return the new ones. Steps left out of TAPECUT_NEWS_STEPS, and reporters who stopped the
    news of this change, get none."""
    step = step or change.status
    if step not in steps.mailed_steps():
        return []
    # The reporters of the linked reports and of those merged into them (tapecut.triage.linked).
    report_ids = linked.notice_report_ids(change)
    reports = Report.objects.filter(id__in=report_ids).select_related("reporter")
    stopped_reporters, stopped_reports = steps.stopped(change)
    created = []
    for report in reports.order_by("received_at", "id"):
        reporter = report.reporter
        if report.pk in stopped_reports or (reporter and reporter.pk in stopped_reporters):
            continue
        lookup: dict[str, Any] = {"kind": Notice.Kind.OUTCOME, "change": change, "step": step}
        if reporter is None:
            lookup["report"], lookup["reporter"] = report, None
        else:
            lookup["reporter"] = reporter
        defaults = {
            "report": report,
            "channel": channel_for(report, reporter),
            "language": language_for(report, reporter),
        }
        notice, new = _get_or_create(lookup, defaults)
        if new:
            created.append(notice)
    if step in steps.CLOSING:
        Report.objects.filter(id__in=[r.pk for r in reports]).exclude(
            status=Report.Status.MERGED
        ).update(status=Report.Status.ANSWERED)
    if created:
        audit.record("change.notices_planned", change, count=len(created), step=step)
    return created


def create_question_notice(question: Question) -> Notice | None:
    """The email for a question; anonymous reporters read it on the receipt page instead."""
    report = question.report
    reporter = report.reporter
    channel = channel_for(report, reporter)
    if channel == Notice.Channel.RECEIPT:
        # The question's follow-up already is the receipt-page message.
        state, sent_at, followup = Notice.State.SENT, timezone.now(), question.followup
    else:
        state, sent_at, followup = Notice.State.PENDING, None, None
    notice, _ = _get_or_create(
        {"kind": Notice.Kind.QUESTION, "question": question},
        {
            "report": report,
            "reporter": reporter,
            "channel": channel,
            "language": language_for(report, reporter),
            "state": state,
            "sent_at": sent_at,
            "followup": followup,
        },
    )
    return notice


def create_ack_notice(report: Report) -> Notice | None:
    """The acknowledgement of a new report, for reporters we can write to (not anonymous)."""
    reporter = report.reporter
    if channel_for(report, reporter) != Notice.Channel.EMAIL:
        return None
    notice, new = _get_or_create(
        {"kind": Notice.Kind.ACK, "report": report},
        {
            "reporter": reporter,
            "channel": Notice.Channel.EMAIL,
            "language": language_for(report, reporter),
        },
    )
    return notice if new else None


def enqueue_outcome(change_id: int, step: str = "") -> None:
    """Plan the news of one step (by default the change's current one) in the background."""
    if not step:
        step = Change.objects.values_list("status", flat=True).get(pk=change_id)
    plan_outcome_task.enqueue(change_id=change_id, step=step)


def enqueue_send(notice_id: int) -> None:
    send_notice_task.enqueue(notice_id=notice_id)


@job_task(PLAN_JOB, key="plan-outcome:{change_id}:{step}")
def plan_outcome_task(change_id: int, step: str = "") -> None:
    change = Change.objects.filter(pk=change_id).first()
    if change is None:
        raise jobs.PermanentError(f"change {change_id} does not exist")
    step = str(step or change.status)
    do_plan_outcome(change, step)
    following.plan_news(change, step)
    # Also picks up notices a failed send put back to pending.
    for notice_id in change.notices.filter(state=Notice.State.PENDING).values_list("id", flat=True):
        enqueue_send(notice_id)


@job_task(SEND_JOB, key="notice:{notice_id}")
def send_notice_task(notice_id: int) -> None:
    deliver(int(notice_id))
