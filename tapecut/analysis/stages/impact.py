"""Impact: how many hours a year a piece of red tape costs, read from the report's own words.

``estimate_impact`` is a pure function. It finds a time lost ("2 Stunden", "half an hour",
"3 days"), how often ("pro Woche", "every month", "30 Minuten täglich", "10 approvals a
month") and how many people ("all 40 of us", "wir 12 Kolleginnen"), and multiplies them:
hours per occurrence × occurrences a year × people. Every figure keeps the span it came from.
Where no frequency is given it assumes once a year (a lower bound); where no people are named,
the reporter alone. Both assumptions are listed in the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from tapecut.analysis.stages import impact_patterns as p


@dataclass(frozen=True)
class Evidence:
    kind: str  # "duration", "frequency" or "people"
    value: float  # hours, occurrences a year, or people
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
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "hours_per_occurrence": self.hours_per_occurrence,
            "occurrences_per_year": self.occurrences_per_year,
            "people": self.people,
            "hours_per_year": self.hours_per_year,
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
    found = []
    for m in p.DURATION.finditer(text):
        if _overlaps((m.start(), m.end()), frequency_spans) or _elapsed(text, m):
            continue
        value = number(m.group("num"))
        unit = next(k for k in p.HOURS_PER_UNIT if m.group(k))
        if value is not None and value > 0:
            found.append(_ev("duration", value * p.HOURS_PER_UNIT[unit], m, text))
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
    durations = find_durations(text, freq_spans)
    taken = freq_spans + [(d.start, d.end) for d in durations]
    # People alone are no impact: only read them when there is a time or a rate to multiply.
    people = find_people(text, taken) if taken else []
    freqs = _counts(text, freqs, taken + [(e.start, e.end) for e in people])
    duration, freq = _pick(durations, freqs, text)
    crowd = people[0] if people else None
    evidence = tuple(e for e in (duration, freq, crowd) if e is not None)
    if duration is None:
        return Impact(
            occurrences_per_year=freq.value if freq else None,
            people=int(crowd.value) if crowd else None,
            evidence=evidence,
        )
    return _combine(duration, freq, crowd, evidence)


def _combine(duration: Evidence, freq: Any, crowd: Any, evidence: tuple[Evidence, ...]) -> Impact:
    assumptions = []
    occurrences = freq.value if freq else 1.0
    if freq is None:
        assumptions.append("frequency: once a year (a lower bound)")
    people = int(crowd.value) if crowd else 1
    if crowd is None:
        assumptions.append("people: the reporter alone")
    per_person = duration.value * occurrences
    if per_person > p.MAX_HOURS_PER_PERSON_YEAR:
        per_person = p.MAX_HOURS_PER_PERSON_YEAR
        assumptions.append("capped at a working year per person")
    return Impact(
        hours_per_occurrence=duration.value,
        occurrences_per_year=occurrences,
        people=people,
        hours_per_year=round(per_person * people, 2),
        evidence=evidence,
        assumptions=tuple(assumptions),
    )
