"""The original email of a report, prepared once for safe display on the report page.

The worker prepares it when the message becomes a report (``store_original``) and the page
reads what was stored: a hostile mail costs its (bounded) work once, never per view.

Named reports show the bytes that arrived. Pseudonymous and anonymous reports show the copy
``tapecut.custody.sanitise`` rebuilds without the sender's headers, signature, names and numbers:
the raw message would name the reporter.
"""

from __future__ import annotations

import email
import html as htmllib
import logging
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from typing import Any

from django.db import DataError, transaction

from tapecut.core import bulk
from tapecut.custody.sanitise import original_for_team, shows_raw
from tapecut.intake.mime_headers import decode_value
from tapecut.intake.mime_text import decode_bytes
from tapecut.intake.models import InboundMessage, Report
from tapecut.triage.html_bounds import strip_tags
from tapecut.triage.models import OriginalCopy
from tapecut.triage.sanitise import clean_html_noted

log = logging.getLogger(__name__)

SHOWN_HEADERS = ("From", "Reply-To", "To", "Cc", "Date", "Subject")
MAX_TEXT_CHARS = 500_000


@dataclass(frozen=True)
class Original:
    headers: list[tuple[str, str]] = field(default_factory=list)
    html: str = ""  # sanitised
    text: str = ""
    size: int = 0
    note: str = ""


def original_for(report: Report) -> Original | None:
    """The stored original, or None when the report did not come as a message.

    A report from before copies were stored gets its copy made now, with the same bounds.
    """
    if report.inbound_id is None:
        return None
    copy = OriginalCopy.objects.filter(inbound_id=report.inbound_id).first()
    if copy is None:
        assert report.inbound is not None
        if report.inbound.purged_at is not None:
            return None  # deleted under the retention rules, or erased on request
        copy = store_original(report.inbound)
    if copy is None:
        return None
    headers = [(str(name), str(value)) for name, value in copy.headers]
    return Original(headers=headers, html=copy.html, text=copy.text, size=copy.size, note=copy.note)


def store_original(inbound: InboundMessage, tree: Message | None = None) -> OriginalCopy | None:
    """Prepare and keep the copy the page shows; None when the message cannot be read.

    ``tree``: the raw message as the parser read it, where at hand (it is not read again)."""
    made = _prepared(inbound, tree)
    return _keep(inbound, made) if made is not None else None


def _keep(inbound: InboundMessage, made: Original) -> OriginalCopy | None:
    try:
        with transaction.atomic():  # a refused row must not undo the report being stored
            copy, _created = OriginalCopy.objects.update_or_create(
                inbound=inbound, defaults=_columns(made)
            )
    except DataError:
        log.exception("cannot keep the original of inbound %s for display", inbound.pk)
        return None
    return copy


def store_originals(inbounds: list[tuple[InboundMessage, Message | None]]) -> None:
    """``store_original`` for many messages, with one statement for all their copies."""
    made = [(inbound, _prepared(inbound, tree)) for inbound, tree in inbounds]
    rows = [OriginalCopy(inbound=inbound, **_columns(m)) for inbound, m in made if m is not None]
    if not rows:
        return
    try:
        with transaction.atomic():
            bulk.insert(rows, update_conflicts=(["inbound"], _COLUMNS))
    except DataError:
        # One of them is refused: one at a time, so that only that one is missing.
        for inbound, m in made:
            if m is not None:
                _keep(inbound, m)


def _prepared(inbound: InboundMessage, tree: Message | None) -> Original | None:
    try:
        return prepare(inbound, tree)
    except Exception:
        # Rebuilding a protected copy parses the message again; a message the parser cannot
        # read is shown as nothing rather than as an error page (the report text is there).
        log.exception("cannot prepare the original of inbound %s for display", inbound.pk)
        return None


_COLUMNS = ["headers", "html", "text", "size", "note"]


def _columns(made: Original) -> dict[str, Any]:
    return {
        "headers": [[_storable(n), _storable(v)] for n, v in made.headers],
        "html": _storable(made.html),
        "text": _storable(made.text),
        "size": made.size,
        "note": _storable(made.note)[:200],
    }


def _storable(text: str) -> str:
    """Text every database keeps: PostgreSQL refuses NUL in text and JSON columns, and a
    message may carry one in any part (a NUL shows nothing on the page either)."""
    return text.replace("\x00", "")


def prepare(inbound: InboundMessage, tree: Message | None = None) -> Original:
    """The copy to show (``tree``: the raw message as the parser read it, where at hand)."""
    if tree is not None and shows_raw(inbound):
        return _from_tree(tree, inbound.size)
    raw = original_for_team(inbound)
    return _from_tree(email.message_from_bytes(raw, policy=policy.compat32), len(raw))


def _from_tree(msg: Message, size: int) -> Original:
    headers = [
        (name, decode_value(str(value)))
        for name in SHOWN_HEADERS
        for value in (msg.get_all(name) or [])
    ]
    html_part, text_part = _find_parts(msg)
    html, note = clean_html_noted(_decode(html_part)) if html_part is not None else ("", "")
    text = _decode(text_part)[:MAX_TEXT_CHARS] if text_part is not None else ""
    if html_part is not None and not html and not text:
        # Too complex to show as HTML and no text part: its words, without the markup.
        text = htmllib.unescape(strip_tags(_decode(html_part)[:MAX_TEXT_CHARS]))
    return Original(headers=headers, html=html, text=text, size=size, note=note)


def _find_parts(msg: Message) -> tuple[Message | None, Message | None]:
    html_part = text_part = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/html" and html_part is None:
            html_part = part
        elif ctype == "text/plain" and text_part is None:
            text_part = part
    return html_part, text_part


def _decode(part: Message | None) -> str:
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text, _note = decode_bytes(payload, part.get_content_charset())
    return text
