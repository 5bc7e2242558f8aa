"""Team pages in German: the reasons Tapecut wrote for a duplicate (what a person typed stays as
typed), the original email's header names, the languages of a change's texts."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.analysis import actions, duplicate_links
from tapecut.analysis.stages.duplicates import Candidate
from tapecut.triage import actions as triage_actions
from tapecut.triage.factories import make_report, make_theme

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


def test_the_original_email_names_its_headers_in_the_readers_language(client_as: Any) -> None:
    report = make_report("Taxi", "Taxi receipts need three signatures.")
    client = client_as("triager")
    english = client.get(f"/reports/{report.pk}/original/").text
    assert '<th scope="row">From</th>' in english and '<th scope="row">Subject</th>' in english
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = client.get(f"/reports/{report.pk}/original/").text
    assert '<th scope="row">Von</th>' in german and '<th scope="row">Betreff</th>' in german
    assert '<th scope="row">An</th>' in german and '<th scope="row">From</th>' not in german


def test_a_changes_texts_name_each_language_in_the_readers_language(
    client_as: Any, personas: Any
) -> None:
    change = triage_actions.do_create_change(title="Fewer signatures", actor=personas.admin)
    client = client_as("admin")
    english = client.get(f"/changes/{change.pk}/texts/").text
    assert '<h2 id="h-text-en">English</h2>' in english
    assert '<h2 id="h-text-de">German</h2>' in english
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = client.get(f"/changes/{change.pk}/texts/").text
    assert '<h2 id="h-text-en">Englisch</h2>' in german
    assert '<h2 id="h-text-de">Deutsch</h2>' in german


def test_a_refused_theme_step_says_why_in_the_readers_language(client_as: Any) -> None:
    report = make_report("Taxi", "Taxi receipts need three signatures.")
    theme = make_theme("Taxi receipts", [report])
    client = client_as("triager")
    url = f"/themes/{theme.pk}/edit/"
    english = client.post(url, {"action": "rename", "title": " "}, follow=True).text
    assert "A theme needs a title." in english
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = client.post(url, {"action": "move", "reports": "99999"}, follow=True).text
    assert "Es gibt keine Meldung 99999." in german
    german = client.post(url, {"action": "rename", "title": " "}, follow=True).text
    assert "Ein Thema braucht einen Titel." in german and "needs a title" not in german


def test_a_refused_merge_says_why_in_the_readers_language(client_as: Any, personas: Any) -> None:
    first, second, third = (make_report(f"Taxi {n}", "Taxi receipts.") for n in range(3))
    actions.do_merge_reports(second, first, actor=personas.triager)
    client = client_as("triager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    url = f"/reports/{second.pk}/suggestion/"
    page = client.post(url, {"action": "merge_into", "original": third.pk}, follow=True).text
    assert (
        f"Meldung {second.pk} ist bereits mit Meldung {first.pk} zusammengeführt; "
        "trennen Sie sie zuerst."
    ) in page
