"""Messages forwarded inline: "---------- Forwarded message ---------", "Begin forwarded
message:", "-------- Weitergeleitete Nachricht --------", and Outlook's header blocks under a
"WG:"/"Fwd:" subject.

Pure functions over the body text. The reporter's own words come before the first forwarded
message; each forwarded message (and each earlier one in a forwarded chain) becomes one part.
"""

from __future__ import annotations

from dataclasses import dataclass

from tapecut.intake.mime_quotes import NOT_SEARCHED, Marker, find_marker, is_quoted, strip_quote


@dataclass(frozen=True)
class InlineForward:
    sender: str
    date: str
    subject: str
    text: str


def split_forwards(
    lines: list[str], subject_kind: str
) -> tuple[list[str], list[InlineForward], Marker | None]:
    """(the reporter's own lines, the messages forwarded inline below them, a marker hint).

    The hint is the first marker in the own lines when that is already known (None: there is
    none), so that the quote splitter need not scan a long body a second time.
    """
    first, hint = _first_forward(lines, subject_kind)
    if first is None:
        return lines, [], hint
    forwards: list[InlineForward] = []
    marker: Marker | None = first
    while marker is not None:
        following = _next_part(lines, marker.body)
        end = following.start if following is not None else len(lines)
        forwards.append(_forward(marker, lines[marker.body : end]))
        marker = following
    return lines[: first.start], forwards, NOT_SEARCHED


def _first_forward(lines: list[str], subject_kind: str) -> tuple[Marker | None, Marker | None]:
    """The marker that starts the forwarded part (None when nothing is forwarded), and the
    first marker of any kind.

    Outlook writes the same block for replies and forwards; only the subject tells them apart.
    A quoted reply that comes first means that what follows is quoted, not forwarded.
    """
    start = 0
    seen: Marker | None = None
    while (marker := find_marker(lines, start)) is not None:
        seen = seen or marker
        if marker.kind == "forward" or (marker.kind == "original" and subject_kind == "forward"):
            return marker, seen
        if subject_kind != "forward":
            return None, seen
        start = max(marker.body, marker.start + 1)
    return None, seen


def _next_part(lines: list[str], start: int) -> Marker | None:
    i = start
    while (marker := find_marker(lines, i)) is not None:
        if marker.kind != "attribution":
            return marker
        i = max(marker.body, marker.start + 1)
    return None


def _forward(marker: Marker, lines: list[str]) -> InlineForward:
    filled = [line for line in lines if line.strip()]
    # "Begin forwarded message:" quotes the whole message with ">": take one level off.
    if filled and sum(map(is_quoted, filled)) * 2 > len(filled):
        lines = [strip_quote(line) for line in lines]
    return InlineForward(
        sender=marker.fields.get("from", ""),
        date=marker.fields.get("date", ""),
        subject=marker.fields.get("subject", ""),
        text="\n".join(lines).strip("\n"),
    )
