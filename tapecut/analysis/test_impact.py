"""The impact parser, table-driven: English and German phrases to hours a year."""

from __future__ import annotations

import pytest

from tapecut.analysis.stages.impact import Impact, NullImpactEstimator, estimate_impact, number

# Each phrase and the hours a year it is worth, counted as the dashboard counts them. ``wait`` is
# calendar time waited per case (working days, never counted as work), ``team`` that the figure
# is already the team's total, ``check`` that it is above the per-report cap (2,000 h).
W, T, C = "wait", "team", "check"
HOURS: list[tuple[str, float | None, dict[str, object]]] = [
    # The three cases from issue 12.
    (  # a team total is not multiplied by the team: 38 h x 46 weeks, not x 40 people
        "Adding to this: at our site we counted 38 people in that meeting last Monday, so "
        "roughly 38 hours of work every week. The Monday status meeting takes 60 minutes and "
        "all 40 of us are required to attend.",
        1748.0,
        {T: True},
    ),
    (  # a week waiting for a signature is no 40 working hours x 8 trips x 15 people
        "Booking the other flight needs an exception form signed by the travel manager, which "
        "takes about a week.\n\nAll 15 people in my team travel to Vienna twice a quarter.",
        None,
        {W: 5.0},
    ),
    ("It took me about 40 minutes to collect the signatures.", 0.67, {}),  # "0.7 h/year"
    # English, one person.
    ("I spend 2 hours a week on this report.", 92.0, {}),
    ("It takes me 15 minutes every day to log my hours twice.", 55.0, {}),
    ("each claim takes me 45 minutes and I travel about twice a month", 18.0, {}),
    ("I lose half an hour every Monday on the status sheet.", 23.0, {}),
    ("The form costs me an hour a month.", 12.0, {}),
    ("We file 10 expense reports a month and each takes 20 minutes", 40.0, {}),
    ("every other week I waste two hours", 46.0, {}),
    ("Quarterly, I spend 4 hours on the compliance export.", 16.0, {}),
    ("The annual training takes 3 hours and is the same every year.", 3.0, {}),
    ("8 hours a day, every day", 1760.0, {}),
    ("someone spends a day reconciling them every month", 96.0, {}),
    ("I spend 2 hours a day on it, every day", 440.0, {}),
    # English, each of a group.
    ("15 min every morning for all 30 staff", 1650.0, {}),
    ("It takes about 1.5 hours every Friday, for all 12 people in my team.", 828.0, {}),
    ("It takes me about 3 hours a month, and there are 14 site managers.", 504.0, {}),
    ("twice a week, 45 min each time, for our team of 8", 552.0, {}),
    ("all 40 of us lose 30 minutes daily", 2000.0, {C: True}),  # 4,400 h: check it
    (
        "It is about 20 minutes a day for each consultant, and we are 30 consultants.",
        2000.0,
        {C: True},  # 2,200 h
    ),
    # English, the team's total.
    ("In total the team loses about 20 hours a week on double entry.", 920.0, {}),
    ("Between us we spend 12 hours every month on it; we are 6 people.", 144.0, {T: True}),
    ("That is 300 person-hours a year for the 25 of us.", 300.0, {T: True}),
    ("All 10 of us, combined 15 hours a week.", 690.0, {T: True}),
    # English, waiting: calendar time, no working hours.
    ("every approval takes 3 days", None, {W: 3.0}),
    ("It takes a day to get access", None, {W: 1.0}),
    ("It regularly takes a week, and we have lost a tender.", None, {W: 5.0}),
    ("The legal review takes three weeks.", None, {W: 15.0}),
    ("New starters get their laptop three weeks after their first day.", None, {W: 15.0}),
    ("Our director is travelling for the next three weeks.", None, {W: 15.0}),
    ("about 6 working days waiting for access to the drive", None, {W: 6.0}),
    ("The approval sits in a queue for two weeks.", None, {W: 10.0}),
    ("So every decision takes at least four weeks to become effective.", None, {W: 20.0}),
    ("New starters shared a spare laptop for their first\nthree weeks.", None, {W: 15.0}),
    # English, waiting and work side by side: only the work counts.
    (
        "The approval takes two weeks, and filling in the form takes me 30 minutes each "
        "time, about once a month.",
        6.0,
        {W: 10.0},
    ),
    (
        "She spent 11 working days reading documentation she could not open. We hire about "
        "8 people a year.",
        704.0,
        {},
    ),
    # German, one person.
    ("Das kostet mich 2 Stunden pro Woche.", 92.0, {}),
    ("Jeden Monat brauche ich eine halbe Stunde für den Bericht.", 6.0, {}),
    ("30 Minuten täglich für die Zeiterfassung", 110.0, {}),
    ("alle zwei Wochen 3 Stunden Abstimmung", 69.0, {}),
    ("dreimal pro Woche je 10 Minuten", 23.0, {}),
    ("Quartalsweise 4 Stunden für den Bericht", 16.0, {}),
    ("jedes Jahr eine Woche Inventur", 40.0, {}),
    ("Das kostet mich jedes Mal etwa 2 Stunden, bei rund 6 Bestellungen pro Monat.", 144.0, {}),
    ("Ich mache das etwa zweimal im Monat, jedes Mal geht rund eine halbe Stunde drauf.", 12.0, {}),
    ("Das dauert jeden Tag etwa 15 Minuten.", 55.0, {}),
    ("Die Einholung der Angebote kostet uns im Schnitt 2 Stunden pro Bestellung.", 2.0, {}),
    # German, each of a group.
    ("wir 12 Kolleginnen verlieren jede Woche 2 Stunden", 1104.0, {}),
    ("1,5 Stunden monatlich, 25 Mitarbeiter sind betroffen", 450.0, {}),
    ("eine Stunde pro Woche Jour fixe, alle 40 Kolleginnen und Kollegen sitzen drin", 1840.0, {}),
    # German, the team's total.
    (
        "Insgesamt verlieren wir im Team 30 Stunden pro Monat, wir sind 10 Personen.",
        360.0,
        {T: True},
    ),
    (
        "Das sind für das ganze Team 25 Arbeitsstunden pro Woche, wir sind 12 Kollegen.",
        1150.0,
        {T: True},
    ),
    ("Zusammengerechnet 100 Stunden im Jahr für alle 20 Mitarbeitenden.", 100.0, {T: True}),
    # German, waiting.
    ("Die Genehmigung dauert meist 3 Tage.", None, {W: 3.0}),
    ("Es dauert 2-3 Tage", None, {W: 2.5}),
    ("Freigabe für eine Browser-Erweiterung dauert drei Wochen", None, {W: 15.0}),
    ("vier Freigaben und zwei Wochen Wartezeit", None, {W: 10.0}),
    ("Besprechungsräume nur per Formular fünf Werktage im Voraus", None, {W: 5.0}),
    ("Die Bestellung hat sich um neun Tage verzögert.", None, {W: 9.0}),
    ("Nach dem Umzug muss man sich innerhalb von zwei Wochen ummelden.", None, {W: 10.0}),
    # German, waiting and work side by side.
    (
        "Die Freigabe dauert zwei Wochen, und ich brauche jedes Mal eine Stunde für das "
        "Formular, etwa einmal im Monat.",
        12.0,
        {W: 10.0},
    ),
    # Nothing to count.
    ("Please fix the form.", None, {}),
    ("I need an HR form signed.", None, {}),  # "an HR" is no hour
    ("two weeks ago I reported this and nothing happened", None, {}),
    ("The request is now 19 days old.", None, {}),
    ("Laterne seit 3 Tagen aus", None, {}),
    ("vor 2 Wochen gemeldet, nichts passiert", None, {}),
    ("Der Antrag liegt seit zwei Wochen bei der Personalabteilung.", None, {}),
]


def test_the_table_has_at_least_sixty_english_and_german_phrases() -> None:
    assert len(HOURS) >= 60
    assert len({text for text, _h, _x in HOURS}) == len(HOURS)


@pytest.mark.parametrize(("text", "hours", "extra"), HOURS)
def test_hours_of_each_phrase(text: str, hours: float | None, extra: dict[str, object]) -> None:
    got = estimate_impact(text)
    if hours is None:
        assert got.hours_per_year is None
    else:
        assert got.hours_per_year == pytest.approx(hours, abs=0.01)
        assert got.phrase and got.phrase in " ".join(text.split())  # the words behind the hours
    assert got.waiting_days == extra.get(W)
    assert got.team_total is bool(extra.get(T))
    assert got.check is bool(extra.get(C))


# text, hours per occurrence, occurrences a year, people, hours a year
CASES = [
    ("Das kostet mich 2 Stunden pro Woche.", 2.0, 46.0, 1, 92.0),
    ("all 40 of us lose 30 minutes daily", 0.5, 220.0, 40, 2000.0),
    ("Jeden Monat brauche ich eine halbe Stunde für den Bericht.", 0.5, 12.0, 1, 6.0),
    ("wir 12 Kolleginnen verlieren jede Woche 2 Stunden", 2.0, 46.0, 12, 1104.0),
    ("I spend an hour a day on this form", 1.0, 220.0, 1, 220.0),
    ("We file 10 expense reports a month and each takes 20 minutes", 1 / 3, 120.0, 1, 40.0),
    ("twice a week, 45 min each time, for our team of 8", 0.75, 92.0, 8, 552.0),
    ("1,5 Stunden monatlich, 25 Mitarbeiter sind betroffen", 1.5, 12.0, 25, 450.0),
    ("dreimal pro Woche je 10 Minuten", 10 / 60, 138.0, 1, 23.0),
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
    got = estimate_impact("the form takes me 3 hours")
    assert got.assumptions == ("once_a_year", "reporter_alone")
    assert estimate_impact("all 12 of us lose 30 minutes weekly").assumptions == ()
    waiting = estimate_impact("every approval takes 3 days")
    assert waiting.assumptions == ("waiting_only",)


def test_a_person_cannot_lose_more_than_a_working_year() -> None:
    got = estimate_impact("Jeden Tag 3 Wochen Arbeit")
    assert got.hours_per_year == 1800.0
    assert "person_cap" in got.assumptions


def test_one_report_counts_at_most_the_cap_and_asks_to_be_checked() -> None:
    got = estimate_impact("all 40 of us lose 30 minutes daily")
    assert (got.hours_per_year, got.uncapped_hours_per_year, got.check) == (2000.0, 4400.0, True)
    assert got.hours_per_person == 110.0
    assert "report_cap" in got.assumptions
    data = got.as_json()
    assert (data["phrase"], data["check"], data["hours_per_person"]) == ("30 minutes", True, 110.0)


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
