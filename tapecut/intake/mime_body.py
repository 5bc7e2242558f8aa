"""The MIME tree of a message: its best body text, its attachments, attached messages.

Pure functions. Every call into the ``email`` package that real mail has been seen to break
(unknown charsets, malformed base64, odd parameters) is guarded here, so that one bad part costs
a defect note and never the whole message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import mimetypes
import re
import textwrap
from dataclasses import dataclass, field
from email.message import Message

import puremagic
from inscriptis import get_text

from tapecut.intake.mime_headers import LimitExceeded, check_limits, params, split_params
from tapecut.intake.mime_text import decode_bytes

MAX_PARTS = 1_000
MAX_DEPTH = 50
# inscriptis costs about 0.2 ms per KB; longer HTML is cut (the raw message keeps it all).
MAX_HTML_CHARS = 300_000
# Detached signatures prove who signed, not what happened: they are not evidence to store.
_SIGNATURE_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}
# Machine-readable halves of bounces and receipts: read by the non-report rules, not stored.
_REPORT_TYPES = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/feedback-report",
    "text/rfc822-headers",
}
_MESSAGE_TYPES = {"message/rfc822", "message/global"}
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Attachment:
    filename: str
    declared_type: str
    sniffed_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Collected:
    """What a walk over one message's tree found."""

    segments: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # Attached messages, with the collection of their own trees.
    messages: list[tuple[Message, Collected]] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(s for s in self.segments if s.strip())

    def note(self, defect: str) -> None:
        if defect and defect not in self.defects:
            self.defects.append(defect)


def collect(msg: Message) -> Collected:
    """Walk the whole tree; raises LimitExceeded beyond MAX_PARTS parts or MAX_DEPTH levels."""
    out = Collected()
    _walk(msg, out, [0], 0, want_body=True)
    return out


def _walk(part: Message, out: Collected, counter: list[int], depth: int, want_body: bool) -> None:
    counter[0] += 1
    if counter[0] > MAX_PARTS:
        raise LimitExceeded(f"more than {MAX_PARTS} MIME parts")
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"MIME parts nested more than {MAX_DEPTH} levels deep")
    if depth:
        check_limits(part)
    for defect in part.defects:
        out.note(type(defect).__name__)
    ctype = content_type(part)
    if ctype in _MESSAGE_TYPES and part.is_multipart():
        _attached_message(part, out, counter, depth)
    elif ctype.startswith("multipart/") and part.is_multipart():
        _multipart(part, ctype, out, counter, depth, want_body)
    elif part.is_multipart() or ctype in _REPORT_TYPES:
        return
    else:
        _leaf(part, ctype, out, want_body)


def _multipart(
    part: Message, ctype: str, out: Collected, counter: list[int], depth: int, want_body: bool
) -> None:
    children = [c for c in part.get_payload() if isinstance(c, Message)]
    if ctype == "multipart/alternative":
        chosen = _pick_alternative(children) if want_body else None
        for child in children:
            _walk(child, out, counter, depth + 1, want_body=child is chosen)
        return
    for index, child in enumerate(children):
        # In related, report and signed containers only the first part is the message;
        # the rest are its images, its machine-readable report, its signature.
        body_part = index == 0 or ctype not in _FIRST_ONLY
        if ctype == "multipart/report" and index > 0:
            if content_type(child) not in _MESSAGE_TYPES:
                _walk(child, out, counter, depth + 1, want_body=False)
            continue
        _walk(child, out, counter, depth + 1, want_body=want_body and body_part)


_FIRST_ONLY = {"multipart/related", "multipart/report", "multipart/signed"}


def _pick_alternative(children: list[Message]) -> Message | None:
    """text/plain if it says anything, else the richest (last) readable alternative."""
    for child in children:
        plain = content_type(child) == "text/plain" and not is_attachment(child)
        if plain and leaf_text(child, Collected()).strip():
            return child
    for child in reversed(children):
        ctype = content_type(child)
        if ctype.startswith("multipart/") or ctype in ("text/html", "text/enriched"):
            return child
    return children[-1] if children else None


def _leaf(part: Message, ctype: str, out: Collected, want_body: bool) -> None:
    textual = ctype in ("text/plain", "text/html") or ctype.startswith("text/enriched")
    if textual and not is_attachment(part):
        if want_body:
            out.segments.append(leaf_text(part, out))
        return
    if ctype in _SIGNATURE_TYPES:
        return
    data = payload_bytes(part, out)
    name = filename(part)
    out.attachments.append(Attachment(name, ctype, sniff(data, ctype), data))


def _attached_message(part: Message, out: Collected, counter: list[int], depth: int) -> None:
    inner = part.get_payload(0)
    if not isinstance(inner, Message):
        return
    sub = Collected()
    _walk(inner, sub, counter, depth + 1, want_body=True)
    out.attachments.extend(sub.attachments)
    for defect in sub.defects:
        out.note(defect)
    out.messages.append((inner, sub))
    # Messages attached to the attached message are part of the same forwarded chain.
    out.messages.extend(sub.messages)


def content_type(part: Message) -> str:
    """Like ``Message.get_content_type`` but from the raw field: the header classes are slow."""
    raw = raw_field(part, "content-type")
    if not raw.strip():
        return part.get_default_type()
    value = "".join(split_params(raw)[0].split())
    # RFC 2045: a Content-Type that cannot be read means text/plain.
    return value if value.count("/") == 1 and "" not in value.split("/") else "text/plain"


def raw_field(part: Message, name: str) -> str:
    """The first raw value of a header field of this part ("" when absent)."""
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


def is_attachment(part: Message) -> bool:
    disposition = split_params(raw_field(part, "content-disposition"))[0]
    if disposition == "attachment":
        return True
    return disposition != "inline" and bool(filename(part))


def filename(part: Message) -> str:
    """The attachment's file name, decoded (RFC 2231 and 2047, raw 8-bit), without a path."""
    name = params(raw_field(part, "content-disposition")).get("filename", "")
    name = name or params(raw_field(part, "content-type")).get("name", "")
    name = _UNSAFE_NAME.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:255]


def payload_bytes(part: Message, out: Collected) -> bytes:
    """The decoded payload; malformed transfer encodings give what can be recovered."""
    encoding = split_params(raw_field(part, "content-transfer-encoding"))[0]
    if encoding == "base64":
        try:
            text = part.get_payload()
        except UnicodeError:  # 8-bit bytes and a charset like "undefined" or "idna" (fuzzing)
            text = None
        if isinstance(text, str):
            decoded, note = _base64(text.encode("ascii", "replace"))
            out.note(note)
            return decoded
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:  # uuencode and friends raise on broken input
        out.note(f"payload could not be decoded ({type(exc).__name__})")
        return b""
    return data if isinstance(data, bytes) else b""


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def _base64(data: bytes) -> tuple[bytes, str]:
    """Decode base64 leniently: stray characters skipped, missing padding added, a cut-off
    tail dropped, as mail clients do. Text with spaces between words was never base64."""
    if (data.count(b" ") + data.count(b"\t")) * 50 > len(data):
        return data, "declared base64 but the part is plain text"
    try:
        return base64.b64decode(data, validate=False), ""
    except binascii.Error:
        pass
    cleaned = _NOT_BASE64.sub(b"", data)
    usable = len(cleaned) - len(cleaned) % 4
    tail = cleaned[usable:]
    decoded = base64.b64decode(cleaned[:usable]) if usable else b""
    if len(tail) > 1:
        decoded += base64.b64decode(tail + b"=" * (4 - len(tail)))
    return decoded, "malformed base64 (decoded what could be read)"


def leaf_text(part: Message, out: Collected) -> str:
    data = payload_bytes(part, out)
    found = params(raw_field(part, "content-type"))
    text, note = decode_bytes(data, found.get("charset"))
    out.note(note)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    ctype = content_type(part)
    if ctype == "text/html" or (ctype == "text/plain" and _looks_like_html(text)):
        return html_to_text(text, out)
    if ctype.startswith("text/enriched"):
        return _strip_tags(text)
    if found.get("format", "").lower() == "flowed":
        return unflow(text, found.get("delsp", "").lower() == "yes")
    return text


def _looks_like_html(text: str) -> bool:
    """Some senders label a whole HTML document text/plain."""
    head = text[:300].lstrip().lower()
    return head.startswith(("<!doctype html", "<html"))


def html_to_text(markup: str, out: Collected) -> str:
    if len(markup) > MAX_HTML_CHARS:
        out.note(f"HTML body cut to {MAX_HTML_CHARS} characters for conversion")
        markup = markup[:MAX_HTML_CHARS]
    try:
        text = get_text(markup)
    except Exception as exc:  # lxml refuses some documents; tags stripped is still readable
        out.note(f"HTML could not be converted ({type(exc).__name__})")
        text = _strip_tags(markup)
    lines = [line.rstrip() for line in text.split("\n")]
    # Layout tables indent the whole text; the indent carries no meaning.
    return textwrap.dedent(_BLANK_LINES.sub("\n\n", "\n".join(lines))).strip("\n")


def _strip_tags(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676), keeping quote depth."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content
        if pending is not None and depth == pending_depth:
            content = pending + content
        elif pending is not None:
            out.append(_requote(pending, pending_depth))
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending, pending_depth = (content[:-1] if delsp else content), depth
        else:
            out.append(_requote(content, depth))
    if pending is not None:
        out.append(_requote(pending, pending_depth))
    return "\n".join(out)


def _requote(content: str, depth: int) -> str:
    return (">" * depth + " " + content) if depth else content


def sniff(data: bytes, declared: str) -> str:
    """The type the bytes say they are (magic numbers), else the declared one."""
    if not data:
        return declared
    try:
        matches = puremagic.magic_string(data)
    except Exception:  # PureError for unknown bytes; its format checks must not cost the message
        return declared
    found = next((str(m.mime_type) for m in matches if m.mime_type), "")
    if found.startswith(("application/vnd.openxmlformats", "application/vnd.ms-")) and (
        data.startswith(b"PK") and b"[Content_Types].xml" not in data
    ):
        # puremagic calls any ZIP archive a Word file; Office files list their content types.
        return "application/zip"
    return found or declared


def default_name(index: int, mime_type: str) -> str:
    """A file name for an attachment that came without one."""
    extension = mimetypes.guess_extension(mime_type) or ".bin"
    return f"attachment-{index}{extension}"
