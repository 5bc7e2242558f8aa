"""How to read a time a report names: working time or waiting, one person's or the team's.

Three mistakes inflate hours (issue 12): a week spent *waiting* for an approval counted as 40
working hours; a figure that already is the team's total ("so roughly 38 hours of work every
week") multiplied by the team again; and one report with a huge figure outweighing all others.
The rules here are plain word lists, English and German, checked by the phrase table in
tapecut/analysis/test_impact.py.
"""

from __future__ import annotations

import re

# A day or a week that passes while something waits is calendar time, not work. These words
# in the same sentence before the duration ("takes three weeks", "wartet zwei Wochen",
# "for the next three weeks") or right after it ("zwei Wochen Wartezeit", "fünf Werktage im
# Voraus", "three weeks after") mark it as waiting.
WAIT_BEFORE = re.compile(
    r"\b(?:takes?|took|taking|lasts?|dauer(?:t|te|n)|brauch(?:t|te)|wait\w*|wart\w*|"
    r"queue\w*|delay\w*|verzög\w*|verzoeg\w*|next|nächsten?|naechsten?|liegt|lag|sits?|sat|"
    r"turnaround|lead\s+time|vorlauf\w*|bearbeitungszeit|durchlaufzeit|until|bis\s+(?!\d)|"
    r"within|innerhalb|binnen|first|erste[nr]?)\b",
    re.IGNORECASE,
)
WAIT_AFTER = re.compile(
    r"^\W{0,3}(?:wartezeit|waiting|wait|im\s+voraus|in\s+advance|ahead|after|before|vorher|"
    r"later|später|spaeter|old|alt|to\s+(?:get|be|become|arrive)|until|bis\b|late|delayed|"
    r"verzögert|verzoegert|"
    r"(?:auf|for)\s+(?:die|eine|the|an?)?\s*(?:freigabe|genehmigung|approval|sign-?off))",
    re.IGNORECASE,
)
# ... unless the reporter says they spend that time working ("it takes me", "she spent 11
# working days reading", "kostet mich").
WORK_BEFORE = re.compile(
    r"\b(?:(?:takes?|took|dauert|kostet|costs?)\s+(?:me|us|mich|uns|mir)|spend\w*|spent|"
    r"lose|lost|losing|waste\w*|verbring\w*|verbracht|verlier\w*|verloren|arbeite\w*|"
    r"brauche\s+ich|brauchen\s+wir)\b",
    re.IGNORECASE,
)
WAITING_UNITS = {"day", "week"}

# The figure is already the team's total ("38 hours of work every week", "insgesamt").
TEAM_TOTAL = re.compile(
    r"\b(?:in\s+total|altogether|combined|between\s+us|for\s+the\s+(?:whole\s+)?team|"
    r"hours\s+of\s+work|person[- ]?hours|man[- ]?hours|staff[- ]?hours|insgesamt|in\s+summe|"
    r"zusammengerechnet|zusammengenommen|für\s+das\s+(?:ganze\s+)?team|personenstunden|"
    r"mannstunden|arbeitsstunden)\b",
    re.IGNORECASE,
)
# More than this per person a year is not believable for one piece of red tape: a figure that
# would need it is read as the team's total instead of being multiplied by the team.
MAX_PLAUSIBLE_PER_PERSON = 900.0
# Abbreviated units count only after digits: "an HR form" is no hour.
ABBREVIATIONS = {"h", "hr", "hrs", "std", "min"}


def sentence_before(text: str, start: int, limit: int = 90) -> str:
    """The words of the same sentence before ``start``, at most ``limit`` characters (mail wraps
    its lines, so a single line break does not end a sentence; a blank line does)."""
    window = text[max(0, start - limit) : start]
    blank = window.rfind("\n\n")
    cut = max([window.rfind(c) for c in ".!?;"] + [blank + 1 if blank >= 0 else -1])
    return window[cut + 1 :]


def is_waiting(text: str, start: int, end: int, unit: str) -> bool:
    if unit not in WAITING_UNITS:
        return False
    before = sentence_before(text, start)
    if WORK_BEFORE.search(before):
        return False
    return bool(WAIT_BEFORE.search(before) or WAIT_AFTER.search(text[end : end + 40]))


def is_team_total(text: str, start: int, end: int, per_person: float, people: int) -> bool:
    if people < 2:
        return False
    around = sentence_before(text, start) + text[start : end + 40].split("\n\n")[0]
    return bool(TEAM_TOTAL.search(around)) or per_person > MAX_PLAUSIBLE_PER_PERSON


def abbreviated_after_word(unit_text: str, number_text: str) -> bool:
    unit = unit_text.strip(". ").lower()
    return unit in ABBREVIATIONS and not any(ch.isdigit() for ch in number_text)
