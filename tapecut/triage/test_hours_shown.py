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
