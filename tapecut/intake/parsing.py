"""Parsing raw email into what a report needs. Pure functions: no database, no settings.

``parse_message`` never raises anything but ``MessageRejected`` for what a sender can put in a
message; the helpers it uses live in the ``mime_*`` modules beside this one:

- mime_text: bytes to text (wrong and unknown charsets, mojibake)
- mime_headers: header fields, addresses, ids, dates, subject prefixes, header limits
- mime_body: the MIME tree (best body, attachments, attached messages, part limits)
- mime_forwards, mime_quotes, mime_signature: the reporter's own words and what is not
- mime_nonreports: bounces, auto-replies, complaints, DMARC/TLS reports, receipts

Limits for hostile input (each rejects the message with its reason): more than
``mime_body.MAX_PARTS`` (1,000) MIME parts or nesting deeper than ``mime_body.MAX_DEPTH`` (50);
a header field over ``mime_headers.MAX_FIELD_CHARS`` (1 MB), a part's header block over
``mime_headers.MAX_HEADER_CHARS`` (2 MB) or ``MAX_FIELDS`` (10,000) fields; a Content-Type or
Content-Disposition field over ``MAX_CONTENT_FIELD_BYTES`` (32 KB); empty input; no header
fields at all and binary bytes.

The tree is parsed with ``policy.compat32``, not ``policy.default``: every field is read raw and
decoded here anyway, and the default policy's header classes take seconds on a hostile
parameter list (4.7 s for 5,000 Content-Type parameters, 40 KB) while the parser consults them.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message

from tapecut.intake import mime_body, mime_headers
from tapecut.intake.mime_body import Collected, collect
from tapecut.intake.mime_forwards import split_forwards
from tapecut.intake.mime_headers import LimitExceeded, decode_value, first, header_map
from tapecut.intake.mime_nonreports import classify
from tapecut.intake.mime_quotes import split_quoted
from tapecut.intake.mime_signature import split_signature
from tapecut.intake.mime_text import repair_mojibake


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
    cc: tuple[str, ...] = ()  # normalised addresses from Cc
    # The language of subject and text where it was guessed with the parse (``tapecut import``'s
    # helper process does); None: not guessed yet.
    language: str | None = None

    @property
    def is_report(self) -> bool:
        return not self.non_report_reason


def parse_message(raw: bytes) -> ParsedMessage:
    """Everything a report needs from the raw bytes of one message.

    Raises MessageRejected, with a reason for the quarantine, when the bytes are not a message
    one could read (empty, binary) or go beyond the limits above.
    """
    return parse_message_tree(raw)[0]


def parse_message_tree(raw: bytes) -> tuple[ParsedMessage, Message]:
    """``parse_message``, and the MIME tree it read (compat32), for a reader that needs more of
    the message (the display copy of the original) and would otherwise parse the bytes again.
    Nothing here changes the tree."""
    msg = _load(raw)
    fields = header_map(msg)
    if not fields and b"\x00" in raw[:65_536]:
        raise MessageRejected("This is not an e-mail message: no header fields, binary data.")
    try:
        mime_headers.check_limits(msg)
        tree = collect(msg)
    except LimitExceeded as exc:
        raise MessageRejected(f"The message is beyond what we accept: {exc}.") from exc
    except RecursionError as exc:
        raise MessageRejected("The message's parts are nested too deeply to read.") from exc
    return _build(msg, fields, tree), msg


def _load(raw: bytes) -> Message:
    if not raw or not raw.strip():
        raise MessageRejected("The message is empty.")
    _precheck(raw)
    try:
        return email.message_from_bytes(raw, policy=policy.compat32)
    except RecursionError as exc:
        raise MessageRejected("The message's parts are nested too deeply to read.") from exc
    except ValueError as exc:
        # The standard library's own parser gives up, e.g. on an RFC 2231 boundary whose
        # charset holds a NUL byte (found by `tapecut bench fuzz`).
        raise MessageRejected(f"The message's MIME structure cannot be read: {exc}.") from exc


MAX_CONTENT_FIELD_BYTES = 32_000
_CONTENT_FIELD = re.compile(
    rb"^content-(?:type|disposition)[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE
)
_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_DASH_LINE = re.compile(rb"^--([^\r\n]{1,210})", re.M)
_HEADER_LINE = re.compile(rb"[!-9;-~]{1,200}:")


def _precheck(raw: bytes) -> None:
    """Refuse before parsing what would take the parser seconds: huge headers, many parts."""
    end = raw.find(b"\n\n")
    end_crlf = raw.find(b"\n\r\n")
    header_end = min(e for e in (end, end_crlf, len(raw)) if e >= 0)
    if header_end > mime_headers.MAX_HEADER_CHARS and _HEADER_LINE.match(raw):
        raise MessageRejected(
            f"The message is beyond what we accept: header block over "
            f"{mime_headers.MAX_HEADER_CHARS} bytes."
        )
    for match in _CONTENT_FIELD.finditer(raw):
        if match.end() - match.start() > MAX_CONTENT_FIELD_BYTES:
            raise MessageRejected(
                "The message is beyond what we accept: a Content-Type or Content-Disposition "
                f"field over {MAX_CONTENT_FIELD_BYTES} bytes."
            )
    if raw.count(b"\n--") <= mime_body.MAX_PARTS:
        return
    declared = {a or b for a, b in _BOUNDARY_PARAM.findall(raw)}
    count = 0
    for match in _DASH_LINE.finditer(raw):
        line = match.group(1).rstrip()
        if line in declared or line.removesuffix(b"--") in declared:
            count += 1
            if count > mime_body.MAX_PARTS + len(declared):
                raise MessageRejected(
                    f"The message is beyond what we accept: more than {mime_body.MAX_PARTS} "
                    "MIME parts."
                )


def _build(msg: Message, fields: dict[str, list[str]], tree: Collected) -> ParsedMessage:
    subject = decode_value(first(fields, "subject"))
    from_address, from_name = mime_headers.sender(fields)
    kind = mime_headers.subject_kind(subject)
    body = repair_mojibake(tree.body)
    own, inline, hint = split_forwards(body.split("\n"), kind)
    own_lines, quoted_lines = split_quoted(own, hint)
    text_lines, signature_lines = split_signature(own_lines)
    in_reply_to = mime_headers.first_id(first(fields, "in-reply-to"))
    references = mime_headers.message_ids(" ".join(fields.get("references", [])))
    forwarded = [ForwardedPart(f.sender, f.date, f.subject, f.text) for f in inline] + [
        _attached(inner, sub) for inner, sub in tree.messages
    ]
    return ParsedMessage(
        message_id=mime_headers.first_id(first(fields, "message-id")),
        in_reply_to=in_reply_to,
        references=references,
        from_address=from_address,
        from_name=from_name,
        reply_to=next(iter(_addresses(fields, "reply-to")), ""),
        to=tuple(_addresses(fields, "to")),
        date=mime_headers.parse_date(first(fields, "date")),
        subject=subject,
        thread_subject=mime_headers.thread_subject(subject),
        body=body,
        text=_join(text_lines),
        quoted=_join(quoted_lines),
        signature=_join(signature_lines),
        forwarded=tuple(forwarded),
        attachments=tuple(_attachments(tree)),
        is_reply=_is_reply(in_reply_to, references, kind),
        non_report_reason=classify(
            msg, fields, subject, (from_address, from_name), tree.attachments
        ),
        defects=tuple(tree.defects),
        cc=tuple(_addresses(fields, "cc")),
    )


def _is_reply(in_reply_to: str, references: tuple[str, ...], kind: str) -> bool:
    # Apple Mail puts References on a forward too; In-Reply-To or a Re/AW prefix is a reply.
    return bool(in_reply_to) or kind == "reply" or (bool(references) and kind != "forward")


def _addresses(fields: dict[str, list[str]], name: str) -> list[str]:
    found = [addr for _, addr in mime_headers.addresses(fields.get(name, [])) if addr]
    return list(dict.fromkeys(found))


def _attached(inner: Message, sub: Collected) -> ForwardedPart:
    fields = header_map(inner)
    return ForwardedPart(
        sender=decode_value(first(fields, "from")),
        date=decode_value(first(fields, "date")),
        subject=decode_value(first(fields, "subject")),
        text=repair_mojibake(sub.body).strip("\n"),
    )


def _attachments(tree: Collected) -> list[ParsedAttachment]:
    """Each distinct file once (some clients put the same file in two alternatives)."""
    out: list[ParsedAttachment] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(tree.attachments, start=1):
        digest = item.sha256
        name = item.filename or mime_body.default_name(index, item.sniffed_type)
        if (digest, name) in seen:
            continue
        seen.add((digest, name))
        out.append(
            ParsedAttachment(
                filename=name,
                declared_type=item.declared_type,
                sniffed_type=item.sniffed_type,
                size=len(item.data),
                sha256=digest,
                data=item.data,
            )
        )
    return out


def _join(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")
