"""Each estimate on the report page: the hours, the words they come from, waiting and the cap."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages.impact import estimate_impact
from tapecut.triage.factories import make_report

pytestmark = pytest.mark.django_db


def page_for(client: Any, text: str) -> str:
    report = make_report("Forms", text)
    found = estimate_impact(text)
    ReportAnalysis.objects.create(
        report=report, state="done", impact=found.as_json(), hours_per_year=found.hours_per_year
    )
    return " ".join(client.get(f"/reports/{report.pk}/").content.decode().split())


def test_an_estimate_reads_hours_from_its_phrase(client_as: Any) -> None:
    page = page_for(client_as("triager"), "It took me about 40 minutes to collect the signatures.")
    assert "0.7 h/year</strong>, from <q data-impact-phrase>40 minutes</q>" in page
    assert "check this estimate" not in page


def test_waiting_and_the_cap_are_said(client_as: Any) -> None:
    client = client_as("triager")
    page = page_for(client, "The approval takes two weeks.")
    assert "Waiting: 10.0 working days per case" in page and "none yet" in page
    page = page_for(client, "all 40 of us lose 30 minutes daily")
    assert "2000.0 h/year" in page and "check this estimate" in page
    assert "The text gives 4400 h/year" in page


def test_the_assumptions_read_in_the_readers_language(client_as: Any) -> None:
    client = client_as("triager")
    page_for(client, "The travel form takes 40 minutes.")
    report_url = f"/reports/{ReportAnalysis.objects.get().report_id}/"
    english = " ".join(client.get(report_url).text.split())
    assert "Assumed: frequency: once a year (a lower bound); people: the reporter alone" in english
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = " ".join(client.get(report_url).text.split())
    assert (
        "Angenommen: Häufigkeit: einmal im Jahr (eine Untergrenze); "
        "Personen: nur die meldende Person"
    ) in german
    assert "reporter alone" not in german and "0,7 h/Jahr" in german


def test_an_estimate_stored_with_english_sentences_reads_in_german(client_as: Any) -> None:
    report = make_report("Forms", "It takes me 3 hours.")
    impact = {
        "assumptions": ["frequency: once a year (a lower bound)", "people: the reporter alone"]
    }
    ReportAnalysis.objects.create(report=report, state="done", impact=impact, hours_per_year=3.0)
    client = client_as("triager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    page = " ".join(client.get(f"/reports/{report.pk}/").text.split())
    assert (
        "Häufigkeit: einmal im Jahr (eine Untergrenze); Personen: nur die meldende Person" in page
    )


def test_waiting_and_the_cap_are_said_in_german(client_as: Any) -> None:
    client = client_as("triager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    page = page_for(client, "The approval takes two weeks.")
    assert "Wartezeit: 10,0 Arbeitstage je Fall" in page and "noch keine" in page
    page = page_for(client, "all 40 of us lose 30 minutes daily")
    assert "2000,0 h/Jahr" in page and "Schätzung prüfen" in page
    assert "Der Text ergibt 4400 Std./Jahr" in page
    # The cap and the waiting have a line of their own: the "Assumed" line does not repeat them.
    assert "Obergrenze je Meldung" not in page and "Angenommen:" not in page
