"""Impact: how many hours a year a piece of red tape costs, read from the report's own words.

``estimate_impact`` is a pure function. It finds a time lost ("2 Stunden", "half an hour",
"3 days"), how often ("pro Woche", "every month", "30 Minuten täglich", "10 approvals a
month") and how many people ("all 40 of us", "wir 12 Kolleginnen"), and multiplies them:
hours per occurrence × occurrences a year × people. Every figure keeps the span it came from.
Where no frequency is given it assumes once a year (a lower bound); where no people are named,
the reporter alone. Both assumptions are listed in the result, as keys (tapecut.analysis.stages.
impact_assumptions): the sentence is chosen when a page shows it, in the reader's language.

Days and weeks spent *waiting* ("the approval takes three weeks") are calendar time: kept as
``waiting_days``, never counted as working hours. A figure that already is the team's total
("so roughly 38 hours of work every week") is not multiplied by the team again. One report
counts at most ``MAX_HOURS_PER_REPORT_YEAR``; above it the figure is capped and flagged
``check`` ("check this estimate"), so one outlier cannot make a theme's or the dashboard's
total (tapecut.analysis.stages.impact_reading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from tapecut.analysis.stages import impact_patterns as p
from tapecut.analysis.stages import impact_reading as reading
from tapecut.analysis.stages.impact_assumptions import (
    ONCE_A_YEAR,
    PERSON_CAP,
    REPORT_CAP,
    REPORTER_ALONE,
    TEAM_TOTAL,
    WAITING_ONLY,
)


@dataclass(frozen=True)
class Evidence:
    kind: str  # "duration", "waiting", "frequency" or "people"
    value: float  # hours, working days waited, occurrences a year, or people
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Impact:
    hours_per_occurrence: float | None = None
    occurrences_per_year: float | None = None
    people: int | None = None
    hours_per_year: float | None = None
    evidence: tuple[Evidence, ...] = ()
    assumptions: tuple[str, ...] = field(default_factory=tuple)  # keys: impact_assumptions
    hours_per_person: float | None = None  # a year, before multiplying by people
    team_total: bool = False  # the figure named is the team's total: not multiplied
    waiting_days: float | None = None  # calendar time waited per case, not counted as work
    check: bool = False  # above the per-report cap: counted as the cap, "check this estimate"
    uncapped_hours_per_year: float | None = None

    @property
    def phrase(self) -> str:
        """The words the hours come from ("40 minutes"), shown as the estimate's evidence."""
        text = next((e.text for e in self.evidence if e.kind == "duration"), "")
        return " ".join(text.split()).rstrip(".")

    def as_json(self) -> dict[str, Any]:
        return {
            "hours_per_occurrence": self.hours_per_occurrence,
            "occurrences_per_year": self.occurrences_per_year,
            "people": self.people,
            "hours_per_year": self.hours_per_year,
            "hours_per_person": self.hours_per_person,
            "team_total": self.team_total,
            "waiting_days": self.waiting_days,
            "check": self.check,
            "uncapped_hours_per_year": self.uncapped_hours_per_year,
            "phrase": self.phrase,
            "assumptions": list(self.assumptions),
            "evidence": [
                {"kind": e.kind, "value": e.value, "start": e.start, "end": e.end, "text": e.text}
                for e in self.evidence
            ],
        }


class ImpactEstimator(Protocol):
    def estimate(self, text: str) -> Impact: ...


class NullImpactEstimator:
    """Estimates nothing: no report gets an hours figure."""

    def estimate(self, text: str) -> Impact:
        return Impact()


class PhraseImpactEstimator:
    """The English and German phrase parser below."""

    def estimate(self, text: str) -> Impact:
        return estimate_impact(text)


def number(raw: str) -> float | None:
    """ "2", "1,5", "2-3" (the middle), "zwei", "half an" → a number; None if it is none."""
    raw = raw.strip().lower()
    if raw in p.NUMBER_WORDS:
        return float(p.NUMBER_WORDS[raw])
    parts = re.split(r"\s*(?:-|–|to|bis)\s*", raw)
    try:
        values = [float(part.replace(",", ".")) for part in parts if part]
    except ValueError:
        return None
    return sum(values) / len(values) if values else None


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _period(m: re.Match[str]) -> str:
    return next(k for k in p.PERIODS_PER_YEAR if m.groupdict().get(k))


def _times(m: re.Match[str]) -> float:
    groups = m.groupdict()
    if groups.get("count"):
        return number(groups["count"]) or 1.0
    if groups.get("twice"):
        return 2.0
    if groups.get("thrice"):
        return 3.0
    return 1.0


def _ev(kind: str, value: float, m: re.Match[str], text: str) -> Evidence:
    return Evidence(kind, round(value, 4), m.start(), m.end(), text[m.start() : m.end()])


def find_frequencies(text: str, durations_end: set[int]) -> list[Evidence]:
    found: list[Evidence] = []
    taken: list[tuple[int, int]] = []

    def add(ev: Evidence) -> None:
        if not _overlaps((ev.start, ev.end), taken):
            found.append(ev)
            taken.append((ev.start, ev.end))

    for m in p.EVERY_NTH.finditer(text):
        nth = m.group("nth").lower()
        step = 2.0 if nth in {"other", "second"} or nth.startswith("zweite") else None
        step = step or (3.0 if nth.startswith("dritte") else number(nth) or 1.0)
        add(_ev("frequency", p.PERIODS_PER_YEAR[_period(m)] / max(step, 1.0), m, text))
    for m in p.FORTNIGHT.finditer(text):
        add(_ev("frequency", p.PERIODS_PER_YEAR["week"] / 2, m, text))
    for m in p.ADVERB.finditer(text):
        add(_ev("frequency", p.PERIODS_PER_YEAR[_period(m)], m, text))
    for m in p.FREQUENCY.finditer(text):
        # "a day" alone is a duration ("takes a day"); after a figure it is a rate.
        bare = m.group("art").lower() in {"a", "an"} and not any(
            m.groupdict().get(g) for g in ("count", "once", "twice", "thrice")
        )
        if bare and not _after_figure(text, m.start(), durations_end):
            continue
        add(_ev("frequency", _times(m) * p.PERIODS_PER_YEAR[_period(m)], m, text))
    return sorted(found, key=lambda e: e.start)


def _after_figure(text: str, start: int, durations_end: set[int]) -> bool:
    if any(0 <= start - end <= 2 for end in durations_end):
        return True
    m = p.COUNT_BEFORE.search(text[:start])
    return bool(m and (number(m.group("num")) or 0) > 1)


def _elapsed(text: str, m: re.Match[str]) -> bool:
    """ "seit 3 Tagen", "2 weeks ago": how long something has lasted, not time lost."""
    before = text[max(0, m.start() - 12) : m.start()].lower().split()
    after = text[m.end() : m.end() + 6].lower().split()
    return bool(before and before[-1] in p.ELAPSED_BEFORE) or bool(
        after and after[0].strip(".,;") in p.ELAPSED_AFTER
    )


def find_durations(text: str, frequency_spans: list[tuple[int, int]]) -> list[Evidence]:
    """Working durations (hours) and waiting ones (kind "waiting", in working days)."""
    found = []
    for m in p.DURATION.finditer(text):
        if _overlaps((m.start(), m.end()), frequency_spans) or _elapsed(text, m):
            continue
        if reading.abbreviated_after_word(m.group("unit"), m.group("num")):
            continue
        value = number(m.group("num"))
        unit = next(k for k in p.HOURS_PER_UNIT if m.group(k))
        if value is None or value <= 0:
            continue
        hours = value * p.HOURS_PER_UNIT[unit]
        if reading.is_waiting(text, m.start(), m.end(), unit):
            found.append(_ev("waiting", hours / p.HOURS_PER_UNIT["day"], m, text))
        else:
            found.append(_ev("duration", hours, m, text))
    return found


def find_people(text: str, taken: list[tuple[int, int]]) -> list[Evidence]:
    found = []
    for pattern in p.PEOPLE:
        for m in pattern.finditer(text):
            raw = m.group("num").strip().lower()
            value = number(raw)
            num_span = (m.start("num"), m.end("num"))
            if raw in p.SINGULAR or value is None or _overlaps(num_span, taken):
                continue
            if 2 <= value <= 1_000_000 and value == int(value):
                found.append(_ev("people", value, m, text))
    return sorted(found, key=lambda e: e.start)


def _counts(text: str, freqs: list[Evidence], taken: list[tuple[int, int]]) -> list[Evidence]:
    """ "10 approvals a month": the number of things done per period multiplies the rate."""
    out = []
    for ev in freqs:
        m = p.COUNT_BEFORE.search(text[: ev.start])
        value = number(m.group("num")) if m else None
        if m and value and not _overlaps((m.start(), m.end()), taken) and value > 1:
            span = text[m.start() : ev.end]
            out.append(Evidence("frequency", round(ev.value * value, 4), m.start(), ev.end, span))
        else:
            out.append(ev)
    return out


def _sentence_of(text: str, pos: int) -> int:
    return len(p.SENTENCE_END.findall(text[:pos]))


def _pick(durations: list[Evidence], freqs: list[Evidence], text: str) -> tuple[Any, Any]:
    for d in durations:
        same = [f for f in freqs if _sentence_of(text, f.start) == _sentence_of(text, d.start)]
        if same:
            return d, min(same, key=lambda f: abs(f.start - d.end))
    return (durations[0] if durations else None), (freqs[0] if freqs else None)


def estimate_impact(text: str) -> Impact:
    """Hours a year lost, with the evidence; ``hours_per_year`` is None without a duration."""
    text = text or ""
    pre_durations = list(p.DURATION.finditer(text))
    freqs = find_frequencies(text, {m.end() for m in pre_durations})
    freq_spans = [(f.start, f.end) for f in freqs]
    found = find_durations(text, freq_spans)
    durations = [d for d in found if d.kind == "duration"]
    waits = [d for d in found if d.kind == "waiting"]
    taken = freq_spans + [(d.start, d.end) for d in found]
    # People alone are no impact: only read them when there is a time or a rate to multiply.
    people = find_people(text, taken) if taken else []
    freqs = _counts(text, freqs, taken + [(e.start, e.end) for e in people])
    duration, freq = _pick(durations, freqs, text)
    # People are counted once: one group per report, the first one named.
    crowd = people[0] if people else None
    wait = waits[0] if waits else None
    evidence = tuple(e for e in (duration, freq, crowd, wait) if e is not None)
    waiting_days = round(wait.value, 2) if wait else None
    if duration is None:
        return Impact(
            occurrences_per_year=freq.value if freq else None,
            people=int(crowd.value) if crowd else None,
            evidence=evidence,
            waiting_days=waiting_days,
            assumptions=(WAITING_ONLY,) if wait else (),
        )
    return _combine(text, duration, freq, crowd, evidence, waiting_days)


def _combine(
    text: str,
    duration: Evidence,
    freq: Any,
    crowd: Any,
    evidence: tuple[Evidence, ...],
    waiting_days: float | None,
) -> Impact:
    assumptions = []
    occurrences = freq.value if freq else 1.0
    if freq is None:
        assumptions.append(ONCE_A_YEAR)
    people = int(crowd.value) if crowd else 1
    if crowd is None:
        assumptions.append(REPORTER_ALONE)
    per_person = duration.value * occurrences
    team = reading.is_team_total(text, duration.start, duration.end, per_person, people)
    if team:
        assumptions.append(TEAM_TOTAL)
    if per_person > p.MAX_HOURS_PER_PERSON_YEAR:
        per_person = p.MAX_HOURS_PER_PERSON_YEAR
        assumptions.append(PERSON_CAP)
    total = per_person if team else per_person * people
    counted = min(total, p.MAX_HOURS_PER_REPORT_YEAR)
    if total > counted:
        assumptions.append(REPORT_CAP)
    return Impact(
        hours_per_occurrence=duration.value,
        occurrences_per_year=occurrences,
        people=people,
        hours_per_year=round(counted, 2),
        evidence=evidence,
        assumptions=tuple(assumptions),
        hours_per_person=round(per_person / people if team else per_person, 2),
        team_total=team,
        waiting_days=waiting_days,
        check=total > counted,
        uncapped_hours_per_year=round(total, 2),
    )
