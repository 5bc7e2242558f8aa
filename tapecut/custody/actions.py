"""Every write of tapecut.custody: receipts, submissions from the form and the API, answers on
the receipt page, revealing an identity, re-encrypting under a new key. Each one writes the audit
trail.

Submissions in a protected mode are audited without the acting user: an audit row that said
"user 17 submitted report 42" would undo the protection it records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tapecut.accounts.permissions import can
from tapecut.core import audit, crypto, jobs
from tapecut.custody import receipts, rotation
from tapecut.intake import identity
from tapecut.intake.form import Upload, compose_message
from tapecut.intake.models import Channel, FollowUp, InboundMessage, Mode, Report
from tapecut.intake.parsing import parse_message
from tapecut.intake.processing import (
    Outcome,
    add_message_ref,
    do_add_followup,
    do_process_inbound,
)
from tapecut.intake.signals import followup_created
from tapecut.intake.storing import PARSE_JOB, do_store_inbound

log = logging.getLogger(__name__)

MIN_REASON = 10


# --- Receipts ------------------------------------------------------------------------------


def do_issue_receipt(report: Report) -> str:
    """Give the report a new receipt code; return it formatted. It is never shown again."""
    digits = receipts.new_code()
    Report.objects.filter(pk=report.pk).update(
        receipt_hash=receipts.hash_code(digits), receipt_lookup=receipts.lookup_key(digits)
    )
    report.receipt_hash = "set"
    audit.record("receipt.issue", report, actor_label="system")
    return receipts.format_code(digits)


# --- Submissions from the form and the API -------------------------------------------------


@dataclass(frozen=True)
class Submission:
    inbound_id: int
    outcome: str  # "report", "reply", "quarantined", "non_report" or "pending"
    report_id: int | None = None
    receipt: str = ""


def recipient_for(mode: str) -> str:
    """The address a submission is written to, as if it had been mailed there."""
    if mode == Mode.ANONYMOUS and settings.TAPECUT_ANONYMOUS_RECIPIENTS:
        return str(settings.TAPECUT_ANONYMOUS_RECIPIENTS[0])
    return str(settings.TAPECUT_RECIPIENTS[0])


def do_submit_report(
    *,
    channel: str,
    mode: str,
    subject: str,
    text: str,
    uploads: list[Upload] | tuple[Upload, ...] = (),
    address: str = "",
    name: str = "",
    actor: Any = None,
) -> Submission:
    """Store a submission raw first, process it at once and issue the receipt if anonymous."""
    if mode not in Mode.values:
        raise ValueError(f"unknown identity mode {mode!r}")
    if mode != Mode.ANONYMOUS and not address:
        raise ValueError("a named or pseudonymous report needs the reporter's address")
    to = recipient_for(mode)
    raw = compose_message(
        subject=subject,
        text=text,
        sender=address or identity.ANONYMOUS_SENDER,
        sender_name=name,
        to=to,
        uploads=uploads,
        channel=channel,
    )
    msg, _new = do_store_inbound(
        raw, channel=channel, envelope_from=address, envelope_to=[to], mode=mode, enqueue=False
    )
    outcome = _process_now(msg)
    report = Report.objects.filter(pk=outcome.report_id).first() if outcome.report_id else None
    receipt = ""
    if report is not None and outcome.outcome == "report" and report.mode == Mode.ANONYMOUS:
        receipt = do_issue_receipt(report)
    protected = identity.is_protected(msg.mode)
    audit.record(
        "report.submit",
        report or msg,
        actor=None if protected else actor,
        actor_label=f"{channel} (protected)" if protected else "",
        channel=channel,
        mode=msg.mode,
        outcome=outcome.outcome,
    )
    return Submission(msg.pk, outcome.outcome, report.pk if report else None, receipt)


def _process_now(msg: InboundMessage) -> Outcome:
    try:
        return do_process_inbound(msg)
    except Exception:
        # Ours, not the reporter's: the bytes are kept and the worker retries.
        log.exception("processing submission %s failed; queued for the worker", msg.pk)
        jobs.enqueue(PARSE_JOB, {"inbound_id": msg.pk}, key=f"parse:{msg.pk}")
        return Outcome("pending")


def do_receipt_answer(report: Report, text: str) -> FollowUp:
    """The reporter answers on the receipt page: stored raw first, then as a follow-up."""
    to = recipient_for(report.mode)
    raw = compose_message(
        subject=f"Re: {report.subject}"[:500],
        text=text,
        sender=identity.ANONYMOUS_SENDER,
        to=to,
        channel="receipt",
    )
    msg, _new = do_store_inbound(
        raw, channel=Channel.FORM, envelope_to=[to], mode=report.mode, enqueue=False
    )
    message_id = identity.protect_message_id(parse_message(raw).message_id, report.mode)
    text = _answer_text(report, raw, text)
    now = timezone.now()
    with transaction.atomic():
        followup = do_add_followup(report, text, inbound=msg, message_id=message_id, created_at=now)
        add_message_ref(report, message_id)
        InboundMessage.objects.filter(pk=msg.pk).update(
            state=InboundMessage.State.PARSED,
            outcome=InboundMessage.Outcome.REPLY,
            reason=f"answer on the receipt page for report {report.pk}",
            message_id=message_id,
            parsed_at=now,
        )
        audit.record("followup.receipt_answer", report, actor_label="reporter")
        transaction.on_commit(lambda: followup_created.send(FollowUp, followup=followup))
    return followup


def _answer_text(report: Report, raw: bytes, typed: str) -> str:
    """What the team sees of an answer: without a signature block, and for protected reports
    without the reporter's own name and address where we know them."""
    text = parse_message(raw).text or typed
    if report.reporter is None or not identity.is_protected(report.mode):
        return text
    known = identity.reveal(report.reporter)
    return identity.scrub_tokens(text, identity.identity_tokens(known["address"], known["name"]))


# --- Revealing an identity -----------------------------------------------------------------


def do_reveal_identity(report: Report, *, actor: Any, reason: str) -> dict[str, str]:
    """Who sent a protected report. Custodians only, with a reason; the audit keeps both."""
    if not can(actor, "reveal"):
        raise PermissionDenied("Only a custodian may reveal a reporter's identity.")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValueError(f"Give a reason of at least {MIN_REASON} characters.")
    found = {"address": "", "name": "", "envelope_from": ""}
    if report.reporter is not None:
        found.update(identity.reveal(report.reporter))
    sealed = report.inbound.envelope_extra.get("sender_ciphertext") if report.inbound else None
    if sealed:
        found["envelope_from"] = crypto.decrypt_text(sealed)
    elif report.inbound is not None:
        found["envelope_from"] = report.inbound.envelope_from
    # The reason and who asked are recorded; what was revealed is not.
    audit.record("identity.reveal", report, actor=actor, reason=reason, mode=report.mode)
    return found


# --- Keys ----------------------------------------------------------------------------------


def do_rotate_keys(*, actor: Any = None) -> dict[str, int]:
    """Re-encrypt every ciphertext under the newest key; return counts by kind."""
    counts = rotation.rotate_all()
    audit.record("keys.rotate", actor=actor, counts=counts)
    return counts
