"""The report page in German: the reasons Tapecut wrote for a duplicate read in German; what a
person typed stays as typed."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.analysis import actions, duplicate_links
from tapecut.analysis.stages.duplicates import Candidate
from tapecut.triage.factories import make_report

pytestmark = pytest.mark.django_db


def test_a_suggested_duplicate_gives_its_reason_in_the_readers_language(client_as: Any) -> None:
    first = make_report("Taxi", "Taxi receipts need three signatures.")
    second = make_report("Taxi again", "Three signatures for every taxi receipt.")
    duplicate_links.apply([Candidate(second.pk, first.pk, 0.31, 0.84, True)])
    client = client_as("triager")
    english = " ".join(client.get(f"/reports/{second.pk}/").text.split())
    assert "Same problem, other words, 84% · Suggested · <span data-link-reason>text overlap " in (
        english
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = " ".join(client.get(f"/reports/{second.pk}/").text.split())
    assert "Gleiches Problem, andere Worte, 84% · Vorgeschlagen" in german
    assert "Textüberschneidung 0,31" in german and "Bedeutung 0,84" in german
    assert "text overlap" not in german and "centred cosine" not in german


def test_a_merge_by_hand_keeps_the_persons_words(client_as: Any, personas: Any) -> None:
    first = make_report("Taxi", "Taxi receipts need three signatures.")
    second = make_report("Taxi again", "Three signatures for every taxi receipt.")
    link = actions.do_merge_reports(
        second, first, actor=personas.triager, reason="gleiche Quittung"
    )
    actions.do_unmerge(link, actor=personas.triager, reason="andere Fahrt")
    client = client_as("triager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    page = client.get(f"/reports/{second.pk}/").text
    assert "Von Hand zusammengeführt: gleiche Quittung<br>Getrennt: andere Fahrt" in page
