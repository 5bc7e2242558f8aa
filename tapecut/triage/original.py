"""The original email of a report, prepared for safe display on the report page.

Named reports show the bytes that arrived. Pseudonymous and anonymous reports show the copy
``tapecut.accounts.sanitise`` rebuilds without the sender's headers, signature, names and numbers:
the raw message would name the reporter.
"""

from __future__ import annotations

import email
import logging
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from tapecut.accounts.sanitise import original_for_team
from tapecut.intake.mime_headers import decode_value
from tapecut.intake.mime_text import decode_bytes
from tapecut.intake.models import Report
from tapecut.triage.sanitise import clean_html

log = logging.getLogger(__name__)

SHOWN_HEADERS = ("From", "Reply-To", "To", "Cc", "Date", "Subject")
MAX_TEXT_CHARS = 500_000


@dataclass(frozen=True)
class Original:
    headers: list[tuple[str, str]] = field(default_factory=list)
    html: str = ""  # sanitised
    text: str = ""
    size: int = 0


def original_for(report: Report) -> Original | None:
    """The original for display, or None when the report did not come as a message."""
    if report.inbound is None:
        return None
    try:
        raw = original_for_team(report.inbound)
    except Exception:
        # Rebuilding a protected copy parses the message again; a message the parser cannot
        # read is shown as nothing rather than as an error page (the report text is there).
        log.exception("cannot prepare the original of report %s for display", report.pk)
        return None
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    headers = [
        (name, decode_value(str(value)))
        for name in SHOWN_HEADERS
        for value in (msg.get_all(name) or [])
    ]
    html_part, text_part = _find_parts(msg)
    html = clean_html(_decode(html_part)) if html_part is not None else ""
    text = _decode(text_part)[:MAX_TEXT_CHARS] if text_part is not None else ""
    return Original(headers=headers, html=html, text=text, size=len(raw))


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
