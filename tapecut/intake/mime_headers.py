"""Header fields of real-world mail, decoded without trusting them.

Pure functions over the raw header values the ``email`` package keeps (8-bit bytes survive there
as surrogate escapes). Decoding them ourselves is faster than the structured header classes and
copes with what those reject: unknown charsets in encoded words, raw Latin-1 bytes, mojibake.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from tapecut.intake.addresses import normalise
from tapecut.intake.mime_text import decode_bytes, repair_mojibake, unsurrogate

# Limits for hostile input. A real header block is a few KB; one message in the test data
# carries a 210 KB Subject, so a field may be far larger than any sane one and still pass.
MAX_FIELD_CHARS = 1_000_000
MAX_HEADER_CHARS = 2_000_000
MAX_FIELDS = 10_000
# Address lists longer than this are cut before parsing: a hostile megabyte of commas and
# quotes must not cost seconds. 100 KB still holds a few thousand recipients.
MAX_ADDRESS_HEADER_CHARS = 100_000
MAX_REFERENCES = 500

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?]*)\?=")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MSG_ID = re.compile(r"<([^<>]*)>")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")
_BARE_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]{1,64}@[^\s<>()\[\]\\,;:\"@]{1,255}")


class LimitExceeded(Exception):
    """The message is bigger or deeper somewhere than any real one: refuse it."""


def check_limits(msg: Message) -> None:
    """Raise LimitExceeded when one part's header block is beyond the limits."""
    items = list(msg.raw_items())
    if len(items) > MAX_FIELDS:
        raise LimitExceeded(f"more than {MAX_FIELDS} header fields in one part")
    total = 0
    for name, value in items:
        size = len(name) + len(value)
        if size > MAX_FIELD_CHARS:
            raise LimitExceeded(f"a header field ({str(name)[:40]}) over {MAX_FIELD_CHARS} bytes")
        total += size
    if total > MAX_HEADER_CHARS:
        raise LimitExceeded(f"header fields over {MAX_HEADER_CHARS} bytes in one part")


def header_map(msg: Message) -> dict[str, list[str]]:
    """Raw values by lower-cased field name, in the order they appear."""
    fields: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        fields.setdefault(str(name).strip().lower(), []).append(str(value))
    return fields


def first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name)
    return values[0] if values else ""


def unfold(value: str) -> str:
    # Inside one field every line break is a fold: the parser split the fields already.
    return value.replace("\r", "").replace("\n", "")


def decode_value(raw: str) -> str:
    """An unstructured header (Subject, a display name) as readable text."""
    text = unsurrogate(unfold(raw))
    text = decode_words(text)
    text = repair_mojibake(text)
    return _CONTROL.sub(" ", text.replace("\t", " ")).strip()


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words, also where they break the rules (inside words, quotes).

    Adjacent words with only whitespace between them are joined, and their bytes are decoded
    together, because senders split multi-byte characters across words.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if gap and not (pending and gap.isspace()):
            out.append(_flush(pending))
            out.append(gap)
        charset, encoding, text = match.groups()
        data = _word_bytes(encoding, text)
        if data is None:
            out.append(_flush(pending))
            out.append(match.group())
        elif pending and pending[-1][0] == charset.lower():
            pending[-1] = (pending[-1][0], pending[-1][1] + data)
        else:
            pending.append((charset.lower(), data))
        pos = match.end()
    out.append(_flush(pending))
    out.append(value[pos:])
    return "".join(out)


def _flush(pending: list[tuple[str, bytes]]) -> str:
    text = "".join(decode_bytes(data, charset)[0] for charset, data in pending)
    pending.clear()
    return text


def _word_bytes(encoding: str, text: str) -> bytes | None:
    raw = text.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(raw, header=True)
    raw = b"".join(raw.split())
    if _NOT_BASE64.search(raw):
        return None  # not base64 at all: keep the word as written
    raw += b"=" * (-len(raw) % 4)
    try:
        return binascii.a2b_base64(raw)
    except binascii.Error:
        return None


def addresses(raw_values: list[str]) -> list[tuple[str, str]]:
    """(decoded display name, normalised address) for each address in the fields."""
    values = [unfold(v)[:MAX_ADDRESS_HEADER_CHARS] for v in raw_values]
    try:
        found = getaddresses(values)
    except RecursionError:  # thousands of nested comments: read only what looks like addresses
        found = [("", m) for v in values for m in _BARE_ADDRESS.findall(v)]
    out = []
    for name, addr in found:
        out.append((decode_value(name), normalise(repair_mojibake(unsurrogate(addr)))))
    return out


def sender(fields: dict[str, list[str]]) -> tuple[str, str]:
    """(address, name) of the author: From, else Sender, else the envelope's Return-Path."""
    for name in ("from", "sender", "return-path"):
        found = addresses(fields.get(name, []))
        for display, addr in found:
            if addr or display:
                return addr, display
    return "", ""


def message_ids(raw: str) -> tuple[str, ...]:
    """Message-IDs normalised to ``<local@domain>`` without whitespace."""
    text = unsurrogate(unfold(raw))
    found = _MSG_ID.findall(text)
    if not found:
        found = text.replace(",", " ").split()
    ids = ["<" + "".join(inner.split()) + ">" for inner in found if inner.strip()]
    return tuple(ids[-MAX_REFERENCES:])


def first_id(raw: str) -> str:
    ids = message_ids(raw)
    return ids[0] if ids else ""


def parse_date(raw: str) -> datetime | None:
    """The Date field as an aware datetime; None when absent or nonsense."""
    text = unfold(unsurrogate(raw)).strip()
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        # "-0000" means the zone is unknown; RFC 5322 says the time is then UTC.
        value = value.replace(tzinfo=UTC)
    return value


# ---------------------------------------------------------------------------------------------
# Subject prefixes: "Re:", "AW:", "WG: Fwd:", list tags.

REPLY_PREFIXES = frozenset({"re", "aw", "antw", "antwort", "sv", "res", "odp", "ynt", "rif"})
REPLY_PREFIXES |= frozenset({"回复", "答复", "回覆"})
FORWARD_PREFIXES = frozenset({"wg", "fw", "fwd", "vs", "tr", "rv", "enc", "vl", "doorst"})
FORWARD_PREFIXES |= frozenset({"转发", "轉寄"})
_PREFIX = re.compile(
    r"\s*(?:(?P<word>[a-z]{2,7}|回复|答复|回覆|转发|轉寄)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]"
    r"|\[[^\[\]\n]{1,60}\])\s*",
    re.IGNORECASE,
)
_FWD_SUFFIX = re.compile(r"\s*\((?:fwd?|fw)\)\s*$", re.IGNORECASE)
_MAX_PREFIXES = 50


def subject_prefixes(subject: str) -> tuple[list[str], str]:
    """The known prefixes (lower-cased, outermost first) and the subject without them."""
    words: list[str] = []
    rest = subject
    for _ in range(_MAX_PREFIXES):
        match = _PREFIX.match(rest)
        if match is None:
            break
        word = (match.group("word") or "").lower()
        if word and word not in REPLY_PREFIXES | FORWARD_PREFIXES:
            break
        remainder = rest[match.end() :]
        if not word and not remainder.strip():
            break  # a subject that is only a tag ("[#25054]") keeps it
        if word:
            words.append(word)
        rest = remainder
    # Only the end can hold "(fwd)"; a 200 KB subject must not be scanned for it.
    head, tail = rest[:-40], rest[-40:]
    return words, head + _FWD_SUFFIX.sub("", tail)


def thread_subject(subject: str) -> str:
    """The subject as a thread key: no prefixes or list tags, spaces collapsed, lower case."""
    return " ".join(subject_prefixes(subject)[1].split()).lower()


def subject_kind(subject: str) -> str:
    """ "reply", "forward" or "" by the outermost Re/AW/Fwd/WG-style prefix."""
    words = subject_prefixes(subject)[0]
    if not words:
        return ""
    return "reply" if words[0] in REPLY_PREFIXES else "forward"


# ---------------------------------------------------------------------------------------------
# Parameters (Content-Type, Content-Disposition), RFC 2231 included.

_PARAM_NAME = re.compile(r"^\s*([^\s=*]+)(?:\*(\d{1,3}))?(\*)?\s*$")
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
MAX_PARAM_CHARS = 20_000


def split_params(raw: str) -> tuple[str, list[tuple[str, str]]]:
    """The value before the first ";" (lower-cased) and the raw name=value pairs after it.

    Quotes protect ";" and the encoded words that Thunderbird splits across RFC 2231
    continuations, which the standard library's parser mangles.
    """
    text = unfold(raw)[:MAX_PARAM_CHARS]
    pieces = text.split(";") if '"' not in text else _split_quoted(text)
    pairs = []
    for piece in pieces[1:]:
        name, sep, value = piece.partition("=")
        if sep:
            pairs.append((name.strip().lower(), value.strip().strip('"')))
    return pieces[0].strip().lower(), pairs


def _split_quoted(text: str) -> list[str]:
    """Split at ";" outside double quotes; the quotes themselves are dropped."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def params(raw: str) -> dict[str, str]:
    """Decoded parameters by lower-cased name; RFC 2231 continuations and charsets joined."""
    plain: dict[str, str] = {}
    extended: dict[str, list[tuple[int, bool, str]]] = {}
    for name, value in split_params(raw)[1]:
        match = _PARAM_NAME.match(name)
        if match is None:
            continue
        base, number, star = match.groups()
        if number is None and not star:
            plain.setdefault(base, value)
        else:
            extended.setdefault(base, []).append((int(number or 0), bool(star), value))
    out = {name: decode_value(value) for name, value in plain.items()}
    for name, segments in extended.items():
        out[name] = decode_value(_join_rfc2231(sorted(segments)))
    return out


def _join_rfc2231(segments: list[tuple[int, bool, str]]) -> str:
    charset = ""
    data = b""
    for index, (_, encoded, value) in enumerate(segments):
        if encoded and index == 0 and value.count("'") >= 2:
            charset, _, value = value.split("'", 2)
        raw = value.encode("utf-8", "surrogateescape")
        data += _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if encoded else raw
    return decode_bytes(data, charset or "utf-8")[0]
