"""What the sender wrote, told apart from what they quoted and from their signature.

Pure functions over plain text lines. The rules are written for the mail that reaches a public
mailbox in German and English: ``>`` quotes, "On … wrote:" / "Am … schrieb …:" attributions,
Outlook's header blocks ("Von:/Gesendet:/An:/Betreff:"), "-- " signatures, closings followed by
a name block, confidentiality disclaimers, "Sent from my iPhone". Every pattern is anchored and
bounded, so no line costs more than linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines longer than this are never markers, headers or attributions: skip the regexes.
_MAX_MARKER_LINE = 400

_FIELD = re.compile(
    r"^\s*\**\s*(?P<key>from|von|de|van|da|date|datum|sent|gesendet|envoyé|enviado|verzonden"
    r"|inviato|subject|betreff|objet|asunto|onderwerp|oggetto|to|an|à|para|aan|cc|kopie"
    r"|reply-to|antwort an)\s*\**\s*:\s*\**\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_FIELD_ROLE = {
    **dict.fromkeys(("from", "von", "de", "van", "da"), "from"),
    **dict.fromkeys(
        ("date", "datum", "sent", "gesendet", "envoyé", "enviado", "verzonden", "inviato"),
        "date",
    ),
    **dict.fromkeys(("subject", "betreff", "objet", "asunto", "onderwerp", "oggetto"), "subject"),
    **dict.fromkeys(("to", "an", "à", "para", "aan"), "to"),
    **dict.fromkeys(("cc", "kopie", "reply-to", "antwort an"), "other"),
}
# "-----Original Message-----", Thunderbird's and Gmail's forward lines, Outlook's rule.
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?P<what>[^-\s].{0,120}?)\s*(?:-{2,}\s*)?$|^\s*_{10,}\s*$", re.IGNORECASE
)
_FORWARD_WORDS = re.compile(
    r"forward|weitergeleitet|transf[ée]r|r[ée]exp[ée]di|reenviado|inoltrato|doorgestuurd",
    re.IGNORECASE,
)
_ORIGINAL_WORDS = re.compile(
    r"original|ursprüngliche|d'origine|oorspronkelijk|originale|beantwortete", re.IGNORECASE
)
_FORWARD_INTRO = re.compile(
    r"^\s*(?:begin forwarded message|anfang der weitergeleiteten (?:nachricht|e-mail)"
    r"|début du message réexpédié)\s*:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"^\s*(?:(?:on|am|le|el|op|il|den)\s.{0,300}?"
    r"(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|skrev)\b.{0,160}?:"
    r"|.{0,200}?(?:<[^<>\s]{1,200}>|\S@\S).{0,100}?\b(?:wrote|schrieb|a écrit|schreef)"
    r"(?:\s+am\s.{0,80}?)?:)\s*$",
    re.IGNORECASE,
)


# One cheap test that rules out most lines: markers start with a dash or underscore, have a
# colon early on, start like an attribution ("On", "Am", …) or hold an address.
_CANDIDATE = re.compile(r"[\s>]*(?:[-_]|.{0,45}:|(?:on|am|le|el|op|il|den)\s|.*[@<])", re.I)
# Cheap tests that rule out most lines before the attribution pattern runs.
_ATTRIBUTION_START = re.compile(r"(?:on|am|le|el|op|il|den)\s", re.IGNORECASE)
_VERBS = ("wrote", "schrieb", "écrit", "escribió", "schreef", "scritto", "skrev")
_VERB = re.compile("|".join(_VERBS), re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    """Where an earlier message starts inside a body."""

    start: int  # first line of the marker
    body: int  # first line after the marker and its header block
    kind: str  # "forward" (says so), "original" (Outlook: reply or forward), "attribution"
    fields: dict[str, str]


def strip_quote(line: str) -> str:
    """The line without ``>`` quoting and the optional space after it."""
    stripped = line.lstrip()
    if not stripped.startswith(">"):
        return line
    return stripped.lstrip(">").removeprefix(" ")


def find_marker(lines: list[str], start: int = 0, require_from_first: bool = True) -> Marker | None:
    """The first marker at or after ``start``: separator, forward intro, headers, attribution."""
    for i in range(start, len(lines)):
        line = lines[i]
        if len(line) > _MAX_MARKER_LINE or not _CANDIDATE.match(line):
            continue
        marker = _marker_at(lines, i, require_from_first)
        if marker is not None:
            return marker
    return None


def _marker_at(lines: list[str], i: int, require_from_first: bool) -> Marker | None:
    text = strip_quote(lines[i])
    lead = text.lstrip()[:1]
    separator = _SEPARATOR.match(text) if lead in ("-", "_") else None
    if separator is not None:
        what = separator.group("what") or ""
        fields, end = header_block(lines, _next_nonblank(lines, i + 1), False)
        if _FORWARD_WORDS.search(what):
            return Marker(i, end, "forward", fields)
        if (what and _ORIGINAL_WORDS.search(what)) or fields:
            return Marker(i, end, "original", fields)
        return None
    if text.rstrip().endswith(":") and _FORWARD_INTRO.match(text):
        fields, end = header_block(lines, _next_nonblank(lines, i + 1), False)
        return Marker(i, end, "forward", fields)
    if ":" in text[:40] and _FIELD.match(text):
        fields, end = header_block(lines, i, require_from_first)
        return Marker(i, end, "original", fields) if fields else None
    attribution_end = _attribution_end(lines, i)
    if attribution_end:
        return Marker(i, attribution_end, "attribution", {})
    return None


def _attribution_end(lines: list[str], i: int) -> int:
    """The line after an attribution that starts at ``i`` (mail clients wrap it), or 0."""
    first = strip_quote(lines[i]).lstrip()
    if not (_ATTRIBUTION_START.match(first) or "@" in first or "<" in first):
        return 0
    if not any(verb in line.lower() for line in lines[i : i + 3] for verb in _VERBS):
        return 0
    joined = ""
    for j in range(i, min(i + 3, len(lines))):
        part = strip_quote(lines[j]).strip()
        if not part or len(joined) > _MAX_MARKER_LINE:
            return 0
        joined = f"{joined} {part}" if joined else part
        # The pattern backtracks once per verb: a line full of verbs is no attribution.
        if joined.endswith(":") and len(_VERB.findall(joined)) <= 2 and _ATTRIBUTION.match(joined):
            return j + 1
        if joined.endswith(":"):
            return 0
    return 0


def _next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and not strip_quote(lines[i]).strip():
        i += 1
    return i


def header_block(lines: list[str], i: int, require_from_first: bool) -> tuple[dict[str, str], int]:
    """Parse "Von: … / Gesendet: … / Betreff: …" lines at ``i``.

    Returns the fields by role (from, date, subject, to) and the first line after the block, or
    ({}, i) when there is no block: a bare block needs "From"/"Von" first and two more fields,
    so that a sentence like "Subject: my request" is not mistaken for one.
    """
    fields: dict[str, str] = {}
    last = ""
    j = i
    while j < len(lines) and j < i + 20:
        text = strip_quote(lines[j])
        match = _FIELD.match(text) if len(text) <= _MAX_MARKER_LINE * 4 else None
        if match is not None:
            role = _FIELD_ROLE[match.group("key").lower()]
            if not fields and require_from_first and role != "from":
                return {}, i
            if role in fields and role != "other":
                break
            fields[role] = match.group("value").strip().strip("*").strip()
            last = role
        elif text.strip() and last and fields and len(text) <= _MAX_MARKER_LINE:
            fields[last] = f"{fields[last]} {text.strip()}".strip()  # a wrapped value
        else:
            break
        j += 1
    known = {role for role in fields if role != "other"}
    if len(known) < (3 if require_from_first else 2):
        return {}, i
    return {k: v for k, v in fields.items() if k != "other"}, _next_nonblank(lines, j)


def is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


# Passed as a hint when the first marker has not been looked for yet.
NOT_SEARCHED = Marker(-1, -1, "", {})


def split_quoted(
    lines: list[str], marker: Marker | None = NOT_SEARCHED
) -> tuple[list[str], list[str]]:
    """(the sender's lines, the quoted lines).

    Everything from an Outlook block or separator on is quoted. After an "On … wrote:" line
    that is followed by ``>`` lines, unquoted lines are the sender's answers written between
    the quotes (bottom or inline posting); after one followed by plain text, all is quoted.
    """
    if marker is NOT_SEARCHED:
        marker = find_marker(lines)
    cut = marker.start if marker is not None else len(lines)
    own: list[str] = []
    quoted: list[str] = []
    _sort_lines(lines[:cut], own, quoted)
    if marker is None:
        return own, quoted
    if marker.kind == "attribution" and _quote_follows(lines, marker.body):
        quoted.extend(lines[marker.start : marker.body])
        _sort_lines(lines[marker.body :], own, quoted)
    else:
        quoted.extend(lines[cut:])
    return own, quoted


def _sort_lines(lines: list[str], own: list[str], quoted: list[str]) -> None:
    side = own
    for line in lines:
        if line.strip():
            side = quoted if is_quoted(line) else own
        side.append(line)


def _quote_follows(lines: list[str], i: int) -> bool:
    i = _next_nonblank(lines, i)
    return i < len(lines) and is_quoted(lines[i])
