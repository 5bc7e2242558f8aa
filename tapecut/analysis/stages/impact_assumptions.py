"""What an hours estimate assumed, kept as keys and put into words when a page shows it.

An analysis is stored once but read by German and English team members alike: storing the
sentence would show every reader the language of the process that analysed the report. The
estimate (tapecut.analysis.stages.impact) records these keys; ``assumption_text`` gives the
sentence in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ONCE_A_YEAR = "once_a_year"
REPORTER_ALONE = "reporter_alone"
TEAM_TOTAL = "team_total"
PERSON_CAP = "person_cap"
REPORT_CAP = "report_cap"
WAITING_ONLY = "waiting_only"

TEXTS: dict[str, Promise] = {
    ONCE_A_YEAR: _("frequency: once a year (a lower bound)"),
    REPORTER_ALONE: _("people: the reporter alone"),
    TEAM_TOTAL: _("the figure is the team’s total: not multiplied by the people"),
    PERSON_CAP: _("capped at a working year per person"),
    REPORT_CAP: _("check this estimate: counted as the per-report cap"),
    WAITING_ONLY: _("waiting time only: calendar time, not counted as work"),
}
# Analyses stored before the keys kept the English sentence itself.
LEGACY = {
    "frequency: once a year (a lower bound)": ONCE_A_YEAR,
    "people: the reporter alone": REPORTER_ALONE,
    "the figure is the team's total: not multiplied by the people": TEAM_TOTAL,
    "capped at a working year per person": PERSON_CAP,
    "check this estimate: counted as the per-report cap": REPORT_CAP,
    "waiting time only: calendar time, not counted as work": WAITING_ONLY,
}
# The report page says these in a line of their own (team total, the cap, waiting).
OWN_LINE = {TEAM_TOTAL, REPORT_CAP, WAITING_ONLY}


def key_of(stored: str) -> str:
    """The key of a stored assumption: a key already, or the English sentence of an old row."""
    return LEGACY.get(stored, stored)


def assumption_text(stored: str) -> str:
    """The sentence for a stored assumption in the active language (an unknown one as stored)."""
    key = key_of(stored)
    return str(TEXTS[key]) if key in TEXTS else stored


def assumptions_shown(stored: Iterable[str]) -> list[str]:
    """The sentences of the "Assumed:" line: those without a line of their own."""
    return [assumption_text(s) for s in stored if key_of(s) not in OWN_LINE]
