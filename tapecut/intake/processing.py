"""Processing a stored message into a report, a follow-up on the report it answers, or quarantine.

The parse job queued by ``storing`` is handled here; importing this module registers it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tapecut.core import audit, crypto, jobs, storage
from tapecut.core.language import guess_language
from tapecut.core.scrub import scrub
from tapecut.intake import identity
from tapecut.intake.announcing import after_commit, announce_report, forget_since, held_mark
from tapecut.intake.models import (
    Attachment,
    Channel,
    FollowUp,
    InboundMessage,
    MessageRef,
    Mode,
    Report,
    Reporter,
)
from tapecut.intake.parsing import MessageRejected, ParsedMessage, parse_message_tree
from tapecut.intake.signals import followup_created
from tapecut.intake.storing import PARSE_JOB, do_protect_inbound, raw_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    outcome: str
    report_id: int | None = None
    followup_id: int | None = None
    reason: str = ""


def do_process_inbound(
    msg: InboundMessage, *, final: bool = False, read: tuple[ParsedMessage, Message] | None = None
) -> Outcome:
    """Parse a stored message into a report, a follow-up or a non-report.

    A message that cannot be understood is quarantined with a reason. An unexpected error is
    ours: it is raised so that the job is retried, unless ``final`` (bulk import) or the attempts
    are used up, when the message is quarantined with the error as its reason. ``read``: what
    ``parse_message_tree`` made of the message's bytes, where the caller has parsed them.
    """
    if msg.state != InboundMessage.State.PENDING:
        return Outcome(msg.outcome or msg.state, reason=msg.reason)
    if read is None:
        try:
            read = parse_message_tree(raw_bytes(msg))
        except MessageRejected as exc:
            return do_quarantine(msg, str(exc))
        except Exception as exc:
            given_up = _attempt_failed(msg, exc, final, "The parser failed on this message")
            if given_up is None:
                raise
            return given_up
    mark = held_mark()
    try:
        with transaction.atomic():
            return _apply(msg, *read)
    except Exception as exc:
        forget_since(mark)
        # Storing the result failed (ours, e.g. the database went away): retry, but never leave
        # the message pending for ever once the attempts are used up.
        given_up = _attempt_failed(msg, exc, final, "Tapecut could not record this message")
        if given_up is None:
            raise
        return given_up


def _attempt_failed(
    msg: InboundMessage, exc: Exception, final: bool, reason: str
) -> Outcome | None:
    """Count a failed attempt; quarantine (and return that) once no retry is left, else None."""
    msg.attempts += 1
    InboundMessage.objects.filter(pk=msg.pk).update(
        attempts=msg.attempts, last_error=scrub(repr(exc))[:2000]
    )
    if final or msg.attempts >= settings.TAPECUT_JOB_MAX_ATTEMPTS:
        log.error("inbound %s: %s; quarantined: %s", msg.pk, reason, scrub(repr(exc)))
        return do_quarantine(msg, f"{reason}: {scrub(repr(exc))}")
    return None


def do_quarantine(msg: InboundMessage, reason: str) -> Outcome:
    InboundMessage.objects.filter(pk=msg.pk).update(
        state=InboundMessage.State.QUARANTINED, reason=reason[:5000], parsed_at=timezone.now()
    )
    msg.state, msg.reason = InboundMessage.State.QUARANTINED, reason
    log.info("quarantined inbound %s: %s", msg.pk, reason[:200])
    return Outcome("quarantined", reason=reason)


def _apply(msg: InboundMessage, parsed: ParsedMessage, tree: Message) -> Outcome:
    # Re-check under the transaction: another worker may have finished it meanwhile.
    fresh = InboundMessage.objects.select_for_update().get(pk=msg.pk)
    if fresh.state != InboundMessage.State.PENDING:
        return Outcome(fresh.outcome or fresh.state, reason=fresh.reason)
    msg.message_id = identity.protect_message_id(parsed.message_id, msg.mode)[:998]
    if not parsed.is_report:
        return _finish(msg, InboundMessage.Outcome.NON_REPORT, parsed.non_report_reason)
    report = find_thread(parsed, msg)
    if report is not None and identity.is_protected(report.mode) and msg.mode == Mode.NAMED:
        # A named reply to a protected report would name its reporter: protect it too.
        do_protect_inbound(msg, report.mode)
        msg.message_id = identity.protect_message_id(parsed.message_id, msg.mode)[:998]
    # From here on only what this mode may store in plain columns (ids hashed, names scrubbed).
    parsed = identity.for_storage(parsed, msg.mode)
    if report is not None:
        followup = _create_followup(msg, parsed, report)
        _finish(msg, InboundMessage.Outcome.REPLY, f"follow-up on report {report.pk}")
        after_commit(lambda: followup_created.send(FollowUp, followup=followup))
        return Outcome("reply", report_id=report.pk, followup_id=followup.pk)
    report = _create_report(msg, parsed)
    _finish(msg, InboundMessage.Outcome.REPORT, "")
    announce_report(report, tree)
    return Outcome("report", report_id=report.pk)


def _finish(msg: InboundMessage, outcome: str, reason: str) -> Outcome:
    InboundMessage.objects.filter(pk=msg.pk).update(
        state=InboundMessage.State.PARSED,
        outcome=outcome,
        reason=reason,
        message_id=msg.message_id,
        parsed_at=timezone.now(),
    )
    msg.state, msg.outcome, msg.reason = InboundMessage.State.PARSED, outcome, reason
    return Outcome(outcome, reason=reason)


def find_thread(parsed: ParsedMessage, msg: InboundMessage) -> Report | None:
    """The report this message answers: by Message-ID references, else by subject and sender."""
    refs = [r for r in (parsed.in_reply_to, *parsed.references) if r]
    if refs:
        # Protected reports keep keyed hashes of their message-ids: look for both forms.
        keys = identity.thread_keys(refs)
        ref = MessageRef.objects.filter(message_id__in=keys).select_related("report").first()
        if ref is not None:
            return ref.report
    if not (parsed.is_reply and parsed.thread_subject and parsed.from_address):
        return None
    since = timezone.now() - timedelta(days=settings.TAPECUT_REPLY_SUBJECT_DAYS)
    candidates = Report.objects.filter(
        thread_subject=identity.stored_thread_subject(parsed.thread_subject, msg.mode)[:500],
        received_at__gte=since,
    )
    # Named reporters match by address, protected ones by their keyed hash.
    match = candidates.filter(reporter__address=parsed.from_address, mode=Mode.NAMED)
    if msg.mode != Mode.NAMED:
        match = candidates.filter(
            reporter__address_hmac=identity.reporter_key(parsed.from_address, msg.channel),
            mode=msg.mode,
        )
    return match.order_by("-received_at").first()


def _create_report(msg: InboundMessage, parsed: ParsedMessage) -> Report:
    reporter = identity.resolve_reporter(
        parsed.from_address, parsed.from_name, msg.mode, msg.channel
    )
    report = build_report(msg, parsed, reporter)
    report.save(force_insert=True)
    _add_refs(report, [parsed.message_id])
    _store_attachments(msg, parsed, report)
    return report


def build_report(msg: InboundMessage, parsed: ParsedMessage, reporter: Reporter | None) -> Report:
    """The report a message makes, unsaved (``parsed`` as ``identity.for_storage`` left it)."""
    text, quoted = identity.visible_text(parsed, msg.mode)
    return Report(
        inbound=msg,
        reporter=reporter,
        mode=msg.mode,
        channel=msg.channel,
        subject=parsed.subject[:500],
        text=text,
        quoted_text=quoted,
        forwarded=[
            {"sender": f.sender, "date": f.date, "subject": f.subject, "text": f.text}
            for f in parsed.forwarded
        ],
        language=_language(parsed, msg.mode, text),
        message_id=parsed.message_id[:998],
        thread_subject=parsed.thread_subject[:500],
        is_demo=bool(msg.envelope_extra.get("demo")),
        received_at=parsed_time(parsed, msg),
    )


def _language(parsed: ParsedMessage, mode: str, text: str) -> str:
    """The guess made with the parse where the text is the one it was made on."""
    if parsed.language is not None and mode == Mode.NAMED and text == parsed.text:
        return parsed.language
    return guess_language(" ".join([parsed.subject, text]))


def parsed_time(parsed: ParsedMessage, msg: InboundMessage) -> Any:
    # Imports keep the message's own date; live channels use the arrival time.
    if msg.channel == Channel.IMPORT and parsed.date is not None:
        return parsed.date
    return msg.received_at


def do_add_followup(
    report: Report,
    text: str,
    *,
    author: str = FollowUp.Author.REPORTER,
    inbound: InboundMessage | None = None,
    quoted_text: str = "",
    message_id: str = "",
    created_at: Any = None,
) -> FollowUp:
    """The one writer of FollowUp: a reporter's reply or answer, or the team's words to them.

    Callers audit and send ``followup_created`` themselves: each knows what happened."""
    return FollowUp.objects.create(
        report=report,
        inbound=inbound,
        author=author,
        text=text,
        quoted_text=quoted_text,
        message_id=message_id[:998],
        created_at=created_at or timezone.now(),
    )


def _create_followup(msg: InboundMessage, parsed: ParsedMessage, report: Report) -> FollowUp:
    text, quoted = identity.visible_text(parsed, msg.mode)
    followup = do_add_followup(
        report,
        text,
        inbound=msg,
        quoted_text=quoted,
        message_id=parsed.message_id,
        created_at=parsed_time(parsed, msg),
    )
    _add_refs(report, [parsed.message_id])
    _store_attachments(msg, parsed, report)
    return followup


def _add_refs(report: Report, message_ids: Iterable[str]) -> None:
    for mid in message_ids:
        if mid and not MessageRef.objects.filter(message_id=mid[:998]).exists():
            MessageRef.objects.create(message_id=mid[:998], report=report)


def add_message_ref(report: Report, message_id: str) -> None:
    """Remember one of our own outgoing Message-IDs so that replies to it thread here."""
    _add_refs(report, [message_id])


def _store_attachments(msg: InboundMessage, parsed: ParsedMessage, report: Report) -> None:
    for part in parsed.attachments:
        data = crypto.encrypt(part.data) if msg.encrypted else part.data
        storage.put_blob(data, part.sha256 if not msg.encrypted else None)
        Attachment.objects.create(
            inbound=msg,
            report=report,
            filename=part.filename[:255],
            declared_type=part.declared_type[:255],
            sniffed_type=part.sniffed_type[:255],
            size=part.size,
            sha256=part.sha256 if not msg.encrypted else storage.sha256_hex(data),
            encrypted=msg.encrypted,
        )


@jobs.handler(PARSE_JOB, lane="intake")
def _parse_job(payload: dict[str, Any]) -> None:
    msg = InboundMessage.objects.filter(pk=payload["inbound_id"]).first()
    if msg is None:
        raise jobs.PermanentError(f"inbound message {payload['inbound_id']} does not exist")
    do_process_inbound(msg)


def do_reparse(msg: InboundMessage, *, actor: Any = None) -> Outcome:
    """Put a quarantined message back through the parser (after a parser fix)."""
    if msg.state == InboundMessage.State.QUARANTINED:
        InboundMessage.objects.filter(pk=msg.pk).update(
            state=InboundMessage.State.PENDING, reason="", attempts=0
        )
        msg.refresh_from_db()
        audit.record("inbound.reparse", msg, actor=actor)
    return do_process_inbound(msg, final=True)
