"""Quarantined mail: accepted, stored, but not understood. Admins list, re-parse, release, delete.

A message lands here when the parser refuses it (too deeply nested, too many parts or headers,
an empty body) or keeps failing on it. It is not lost: after an upgrade of the parser it can be
parsed again; a person can release it as a report as best the bytes can be read; or delete it.
Protected (encrypted) messages name their sender: only a custodian may have their bytes.
"""

from __future__ import annotations

import contextlib
import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.utils import parseaddr
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from tapecut.accounts.permissions import can
from tapecut.core import audit, storage
from tapecut.core.language import guess_language
from tapecut.custody.sanitise import remove_phone_numbers
from tapecut.intake import identity
from tapecut.intake.announcing import announce_report
from tapecut.intake.mime_headers import decode_value
from tapecut.intake.mime_text import decode_bytes
from tapecut.intake.models import InboundMessage, Mode, Report
from tapecut.intake.processing import Outcome, do_reparse
from tapecut.intake.storing import raw_bytes

# A released message is read with the standard library, within these bounds.
MAX_PARTS = 1000
MAX_TEXT = 100_000
_TAGS = re.compile(r"<[a-zA-Z/!][^<>]{0,2000}>")


class QuarantineError(Exception):
    """The message is not (or no longer) in quarantine."""


def quarantined() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(
        state=InboundMessage.State.QUARANTINED, purged_at__isnull=True
    ).order_by("-received_at", "-id")


def summary() -> dict[str, int]:
    found = quarantined().aggregate(bytes=Sum("size"))
    return {"count": quarantined().count(), "bytes": int(found["bytes"] or 0)}


def may_download(user: Any, msg: InboundMessage) -> bool:
    """Named mail: whoever may see the quarantine. Protected mail names its sender: only who may
    reveal an identity (tapecut.accounts.permissions)."""
    return can(user, "reveal" if msg.encrypted or msg.mode != Mode.NAMED else "quarantine")


def do_download(msg: InboundMessage, *, actor: Any, reason: str = "") -> bytes:
    if not may_download(actor, msg):
        raise PermissionError("Only a custodian may have the bytes of a protected message.")
    if msg.encrypted and len(reason.strip()) < 10:
        raise ValueError("Give a reason of at least 10 characters.")
    audit.record("inbound.download", msg, actor=actor, reason=reason, mode=msg.mode)
    return raw_bytes(msg)


def _in_quarantine(msg: InboundMessage) -> InboundMessage:
    fresh = InboundMessage.objects.select_for_update().get(pk=msg.pk)
    if fresh.state != InboundMessage.State.QUARANTINED or fresh.purged_at is not None:
        raise QuarantineError(f"Message {msg.pk} is not in quarantine.")
    return fresh


def do_reparse_quarantined(msg: InboundMessage, *, actor: Any) -> Outcome:
    """Parse it again (after an upgrade): a report, a reply, or back in quarantine."""
    with transaction.atomic():
        msg = _in_quarantine(msg)
    return do_reparse(msg, actor=actor)


def do_reparse_all(*, actor: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for msg in list(quarantined()):
        outcome = do_reparse_quarantined(msg, actor=actor)
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts


def do_delete_quarantined(msg: InboundMessage, *, actor: Any) -> None:
    with transaction.atomic():
        msg = _in_quarantine(msg)
        blob = msg.sha256 if msg.raw_inline is None else ""
        audit.record(
            "inbound.delete",
            msg,
            actor=actor,
            size=msg.size,
            received_at=msg.received_at.isoformat(),
            reason=msg.reason[:200],
        )
        msg.delete()
        if blob:
            transaction.on_commit(lambda: _unlink(blob))


def _unlink(digest: str) -> None:
    if not InboundMessage.objects.filter(sha256=digest).exists():
        with contextlib.suppress(FileNotFoundError):
            storage.blob_path(digest).unlink()


@dataclass(frozen=True)
class Readable:
    from_address: str
    from_name: str
    subject: str
    text: str


def read_leniently(raw: bytes) -> Readable:
    """Sender, subject and the first text part, read by the standard library, bounded."""
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    name, address = parseaddr(decode_value(str(msg.get("From", ""))))
    subject = decode_value(str(msg.get("Subject", "")))[:500]
    try:
        text = _first_text(msg)
    except RecursionError:  # nested beyond what walk() can follow
        text = ""
    if not text.strip():
        # Nothing readable as a part: the body as it stands, cut.
        body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")[2][: MAX_TEXT * 4]
        text = body.decode("utf-8", "replace")
    return Readable(address.lower(), name, subject, text[:MAX_TEXT])


def _first_text(msg: Message) -> str:
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            break
        if part.get_content_maintype() != "text" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload.strip():
            text, _note = decode_bytes(payload[: MAX_TEXT * 4], part.get_content_charset())
            return _TAGS.sub(" ", text) if part.get_content_subtype() == "html" else text
    return ""


def do_release(msg: InboundMessage, *, actor: Any) -> Report:
    """Make a report of it as best the bytes can be read; the team takes it from there."""
    with transaction.atomic():
        msg = _in_quarantine(msg)
        read = read_leniently(raw_bytes(msg))
        report = _create(msg, read)
        InboundMessage.objects.filter(pk=msg.pk).update(
            state=InboundMessage.State.PARSED,
            outcome=InboundMessage.Outcome.REPORT,
            reason=f"released from quarantine ({msg.reason[:200]})",
            parsed_at=timezone.now(),
        )
        audit.record("inbound.release", msg, actor=actor, report=report.pk)
        announce_report(report)
    return report


def _create(msg: InboundMessage, read: Readable) -> Report:
    subject, text = read.subject, read.text.strip()
    if identity.is_protected(msg.mode):
        tokens = identity.identity_tokens(read.from_address, read.from_name)
        subject = remove_phone_numbers(identity.scrub_tokens(subject, tokens))
        text = remove_phone_numbers(identity.scrub_tokens(text, tokens))
    reporter = identity.resolve_reporter(read.from_address, read.from_name, msg.mode)
    return Report.objects.create(
        inbound=msg,
        reporter=reporter,
        mode=msg.mode,
        channel=msg.channel,
        subject=subject[:500],
        text=text,
        language=guess_language(f"{subject} {text}"),
        received_at=msg.received_at,
    )
