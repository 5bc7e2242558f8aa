"""The impact parser, table-driven: English and German phrases to hours a year."""

from __future__ import annotations

import pytest

from tapecut.analysis.stages.impact import Impact, NullImpactEstimator, estimate_impact, number

# text, hours per occurrence, occurrences a year, people, hours a year
CASES = [
    ("Das kostet mich 2 Stunden pro Woche.", 2.0, 46.0, 1, 92.0),
    ("every approval takes 3 days", 24.0, 1.0, 1, 24.0),
    ("all 40 of us lose 30 minutes daily", 0.5, 220.0, 40, 4400.0),
    ("Jeden Monat brauche ich eine halbe Stunde für den Bericht.", 0.5, 12.0, 1, 6.0),
    ("30 Minuten täglich für die Zeiterfassung", 0.5, 220.0, 1, 110.0),
    ("wir 12 Kolleginnen verlieren jede Woche 2 Stunden", 2.0, 46.0, 12, 1104.0),
    ("I spend an hour a day on this form", 1.0, 220.0, 1, 220.0),
    ("It takes a day to get access", 8.0, 1.0, 1, 8.0),
    ("We file 10 expense reports a month and each takes 20 minutes", 1 / 3, 120.0, 1, 40.0),
    ("alle zwei Wochen 3 Stunden Abstimmung", 3.0, 23.0, 1, 69.0),
    ("twice a week, 45 min each time, for our team of 8", 0.75, 92.0, 8, 552.0),
    ("Es dauert 2-3 Tage", 20.0, 1.0, 1, 20.0),
    ("1,5 Stunden monatlich, 25 Mitarbeiter sind betroffen", 1.5, 12.0, 25, 450.0),
    ("every other week I waste two hours", 2.0, 23.0, 1, 46.0),
    ("dreimal pro Woche je 10 Minuten", 10 / 60, 138.0, 1, 23.0),
    ("15 min every morning for all 30 staff", 0.25, 220.0, 30, 1650.0),
    ("Quartalsweise 4 Stunden für den Bericht", 4.0, 4.0, 1, 16.0),
    ("jedes Jahr eine Woche Inventur", 40.0, 1.0, 1, 40.0),
    ("8 hours a day, every day", 8.0, 220.0, 1, 1760.0),
]

# Nothing to estimate: no duration, or only an elapsed time.
NO_DURATION = [
    "Strassenlaterne Nr. 20 Steinstr. Hoehe Haus-Nr. 14 defekt",
    "Laterne seit 3 Tagen aus",
    "vor 2 Wochen gemeldet, nichts passiert",
    "Please fix the form.",
    "",
]


@pytest.mark.parametrize(("text", "per", "occ", "people", "hours"), CASES)
def test_estimates(text: str, per: float, occ: float, people: int, hours: float) -> None:
    got = estimate_impact(text)
    assert got.hours_per_occurrence == pytest.approx(per, rel=1e-3)
    assert got.occurrences_per_year == pytest.approx(occ)
    assert got.people == people
    assert got.hours_per_year == pytest.approx(hours, rel=1e-3)


@pytest.mark.parametrize("text", NO_DURATION)
def test_no_duration_no_hours(text: str) -> None:
    assert estimate_impact(text).hours_per_year is None


def test_evidence_spans_point_into_the_text() -> None:
    text = "Leider verlieren wir 12 Kolleginnen jede Woche 2 Stunden mit dem Formular."
    got = estimate_impact(text)
    kinds = {e.kind: e for e in got.evidence}
    assert set(kinds) == {"duration", "frequency", "people"}
    for ev in got.evidence:
        assert text[ev.start : ev.end] == ev.text
    assert kinds["duration"].text == "2 Stunden"
    assert kinds["frequency"].text == "jede Woche"


def test_assumptions_are_stated() -> None:
    got = estimate_impact("every approval takes 3 days")
    assert any("once a year" in a for a in got.assumptions)
    assert any("reporter alone" in a for a in got.assumptions)
    assert estimate_impact("all 40 of us lose 30 minutes daily").assumptions == ()


def test_a_person_cannot_lose_more_than_a_working_year() -> None:
    got = estimate_impact("Jeden Tag 3 Wochen Wartezeit")
    assert got.hours_per_year == 1800.0
    assert any("capped" in a for a in got.assumptions)


def test_duration_paired_with_frequency_of_its_sentence() -> None:
    got = estimate_impact("The form has 3 pages. Each week I spend 2 hours on it.")
    assert got.hours_per_occurrence == 2.0
    assert got.occurrences_per_year == 46.0


@pytest.mark.parametrize(
    ("raw", "value"),
    [("2", 2.0), ("1,5", 1.5), ("2-3", 2.5), ("zwei", 2.0), ("half an", 0.5), ("x", None)],
)
def test_numbers(raw: str, value: float | None) -> None:
    assert number(raw) == value


def test_json_round_trip_and_null_estimator() -> None:
    data = estimate_impact("2 Stunden pro Woche").as_json()
    assert data["hours_per_year"] == 92.0
    assert [e["kind"] for e in data["evidence"]] == ["duration", "frequency"]
    assert NullImpactEstimator().estimate("2 Stunden pro Woche") == Impact()
