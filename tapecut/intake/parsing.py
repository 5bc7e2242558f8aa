"""Parsing raw email into what a report needs. Pure functions: no database, no settings.

(The contract below is fixed; the implementation is filled in by the parsing work.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class MessageRejected(Exception):
    """The message itself cannot be understood (its fault, not ours): quarantine it."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    declared_type: str
    sniffed_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ForwardedPart:
    """A message the reporter forwarded (the red tape they received)."""

    sender: str
    date: str
    subject: str
    text: str


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str  # normalised: lower-cased, stripped
    from_name: str
    reply_to: str
    to: tuple[str, ...]
    date: datetime | None
    subject: str  # decoded, as written
    thread_subject: str  # Re:/AW:/WG:/Fwd: prefixes stripped, whitespace collapsed, lower-cased
    body: str  # the whole best body as text
    text: str  # what the reporter wrote themselves
    quoted: str  # quoted replies, Outlook header blocks
    signature: str  # signature and disclaimer
    forwarded: tuple[ForwardedPart, ...]
    attachments: tuple[ParsedAttachment, ...]
    is_reply: bool  # a subject prefix or In-Reply-To/References says so
    non_report_reason: str  # "" for a report; else e.g. "bounce (DSN)", "auto-reply"
    defects: tuple[str, ...] = ()

    @property
    def is_report(self) -> bool:
        return not self.non_report_reason


def parse_message(raw: bytes) -> ParsedMessage:
    raise NotImplementedError
