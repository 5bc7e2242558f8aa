"""Where a sender's own text ends and their signature or disclaimer begins.

Pure functions over lines. A closing such as "Mit freundlichen Grüßen" stays in the text (it is
what the sender wrote); the short name block after it, the "-- " signature, "Sent from my
iPhone" and confidentiality disclaimers go to the signature, which protected identity modes
drop because it names the sender.
"""

from __future__ import annotations

import re

# A name block is short lines: name, role, unit, address, phone, register entries (German
# business mail carries its whole imprint). More than this is text.
_MAX_NAME_BLOCK_LINES = 20
_MAX_NAME_BLOCK_LINE = 100
# "--" without the trailing space is a signature only this close to the end.
_BARE_DASHES_WINDOW = 15
_MAX_CLOSING = 60
_MAX_PARAGRAPH = 2_000
# Disclaimers close a message: only paragraphs starting in its last lines are looked at.
_DISCLAIMER_WINDOW = 60

_CLOSING = re.compile(
    r"^(?:mit\s+)?(?:(?:sehr\s+)?(?:freundliche[n]?|beste[n]?|viele[n]?|liebe[n]?|herzliche[n]?"
    r"|schöne[n]?|kollegiale[n]?|sonnige)\s+)?(?:grüße[n]?|grüsse[n]?|gruß|gruss)"
    r"(?:\s+(?:aus|von)\s.{1,30})?\s*[,.!]?"
    r"|(?:mfg|lg|vg|bg|cheers|sincerely|thanks|thank you|many thanks|thanks again"
    r"|yours sincerely|yours faithfully|yours truly|all the best|best wishes|best|take care"
    r"|danke|vielen dank|danke schön|dankeschön|herzlichen dank)\s*[,.!]?"
    r"|(?:(?:best|kind|kindest|warm|warmest|many)\s+)?regards\s*[,.!]?",
    re.IGNORECASE,
)
_MOBILE = re.compile(
    r"^(?:sent from my |sent from (?:outlook|mail for windows|yahoo mail)|get outlook for "
    r"|sent via |sent with |von meinem \S.{0,40}gesendet|gesendet von meinem |gesendet mit "
    r"|diese nachricht wurde von meinem .{0,40}gesendet)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"this (?:e-?mail|message|communication)\b.{0,80}?\b(?:confidential|privileged"
    r"|intended (?:solely|only))"
    r"|if you (?:are not|have received this).{0,60}?(?:intended recipient|in error)"
    r"|diese (?:e-?mail|nachricht)\b.{0,120}?(?:vertraulich|rechtlich geschützt"
    r"|ausschließlich für)"
    r"|(?:wenn|falls|sollten) sie nicht der (?:richtige|beabsichtigte|vorgesehene)"
    r" (?:adressat|empfänger)"
    r"|sollten sie diese (?:e-?mail|nachricht) (?:irrtümlich|fälschlicherweise|versehentlich)"
    r"|confidentiality (?:notice|note)|haftungsausschluss|disclaimer\s*:",
    re.IGNORECASE,
)


def split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the text, the signature) of the sender's own lines."""
    cut = len(lines)
    for finder in (_delimiter, _disclaimer, _mobile):
        cut = min(cut, finder(lines[:cut]))
    cut = min(cut, _name_block(lines[:cut]))
    return lines[:cut], lines[cut:]


def _delimiter(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line == "-- " or (line.strip() == "--" and len(lines) - i <= _BARE_DASHES_WINDOW):
            return i
    return len(lines)


def _disclaimer(lines: list[str]) -> int:
    """The start of the first disclaimer paragraph that follows some text, near the end."""
    start, seen_text = 0, False
    tail = len(lines) - _DISCLAIMER_WINDOW
    for i, line in enumerate([*lines, ""]):
        if line.strip():
            continue
        if i > start and start < tail:
            seen_text = True
        elif i > start:
            paragraph = " ".join(lines[start:i])[:_MAX_PARAGRAPH]
            if seen_text and _DISCLAIMER.search(paragraph):
                return start
            seen_text = True
        start = i + 1
    return len(lines)


def _mobile(lines: list[str]) -> int:
    filled = [i for i, line in enumerate(lines) if line.strip()][-3:]
    for i in filled:
        if len(lines[i]) <= _MAX_CLOSING * 2 and _MOBILE.match(lines[i].strip()):
            return i
    return len(lines)


def _name_block(lines: list[str]) -> int:
    """The line after a closing when only a short name block follows it."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for back, i in enumerate(reversed(filled)):
        if back > _MAX_NAME_BLOCK_LINES:
            break
        line = lines[i].strip()
        if len(line) <= _MAX_CLOSING and _CLOSING.fullmatch(line):
            after = [lines[j] for j in filled if j > i]
            if after and all(_name_line(a.strip()) for a in after):
                return i + 1
            return len(lines)
    return len(lines)


def _name_line(line: str) -> bool:
    """Short, and not a postscript (a "P.S." after the closing is still text)."""
    return len(line) <= _MAX_NAME_BLOCK_LINE and not _POSTSCRIPT.match(line)


_POSTSCRIPT = re.compile(r"p\.?\s?p?\.?\s?s\b", re.IGNORECASE)
