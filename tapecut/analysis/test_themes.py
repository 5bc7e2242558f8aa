"""Themes: joining, starting, re-clustering, and labels written only from enough reports."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.ai import registry
from tapecut.analysis import actions
from tapecut.analysis.factories import make_report
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.keywords import class_keywords, text_keywords
from tapecut.analysis.stages.labels import parse_label

TRAVEL = [
    "Travel request needs three signatures from the boss",
    "Every travel request needs three signatures, takes 2 hours per week",
    "Three signatures for each travel request again",
    "Travel request: three signatures required, it is too much",
    "Travel requests need three signatures, why?",
    "Why three signatures for a travel request",
]
PRINTER = ["Drucker im dritten Stock ohne Toner", "Drucker im dritten Stock hat keinen Toner"]


def test_keywords_are_distinctive_and_skip_stop_words() -> None:
    got = class_keywords(
        [["travel request signatures", "travel signatures"], ["Drucker Toner leer", "der Drucker"]]
    )
    assert got[0][:2] == ["travel", "signatures"] or got[0][:2] == ["signatures", "travel"]
    assert "drucker" in got[1] and "der" not in got[1]
    assert text_keywords("Hallo [NAME], der Drucker hat keinen Toner") == ["drucker", "toner"]


def test_parse_label() -> None:
    label = parse_label('Sure: {"title": "Travel sign-offs", "summary": "Too many."}', ["x"])
    assert label is not None and label.title == "Travel sign-offs"
    assert parse_label("no json", []) is None
    assert parse_label('{"summary": "no title"}', []) is None


@pytest.mark.django_db
def test_similar_reports_share_a_theme_and_hours_add_up() -> None:
    for text in TRAVEL[:3] + PRINTER:
        actions.do_analyse_report(make_report(text))
    travel = ReportAnalysis.objects.get(report__text=TRAVEL[0]).theme
    printer = ReportAnalysis.objects.get(report__text=PRINTER[0]).theme
    assert travel is not None and printer is not None and travel != printer
    assert ReportAnalysis.objects.get(report__text=PRINTER[1]).theme == printer
    travel.refresh_from_db()
    assert travel.report_count == ReportAnalysis.objects.filter(theme=travel).count()
    assert travel.hours_per_year == 92.0  # only one of its reports names a figure


@pytest.mark.django_db
def test_titles_only_from_five_redacted_reports(settings: Any) -> None:
    settings.TAPECUT_AI_CHAT = "tapecut.ai.backends.fake.FakeChat"
    registry.reset()
    for i, text in enumerate(TRAVEL[:4]):
        actions.do_analyse_report(make_report(f"{text}\nViele Grüße\nKim Beispiel{i}"))
    actions.do_recluster()
    chat: Any = registry.get_chat()
    assert chat.calls == []  # four reports: no model writes about them
    assert all(t.title_source != Theme.TitleSource.MODEL for t in Theme.objects.all())
    assert all("Kim" not in t.title for t in Theme.objects.all())  # titles from redacted text
    for i, text in enumerate(TRAVEL[4:]):
        actions.do_analyse_report(make_report(f"{text}\nViele Grüße\nKim Muster{i}"))
    actions.do_recluster()
    titled = Theme.objects.filter(title_source=Theme.TitleSource.MODEL)
    assert titled.count() == 1 and titled.get().report_count >= 5
    assert chat.calls and all(
        "Beispiel" not in user and "Muster" not in user for _s, user, _c in chat.calls
    )
    assert titled.get().keywords


@pytest.mark.django_db
def test_recluster_keeps_theme_ids_and_drops_empty_themes() -> None:
    for text in TRAVEL:
        actions.do_analyse_report(make_report(text))
    before = set(Theme.objects.values_list("id", flat=True))
    result = actions.do_recluster()
    after = set(Theme.objects.filter(report_count__gt=0).values_list("id", flat=True))
    assert result.reports == len(TRAVEL)
    assert after <= before
    assert Theme.objects.filter(report_count=0).count() == 0
    total = sum(Theme.objects.values_list("report_count", flat=True))
    assert total == len(TRAVEL)


@pytest.mark.django_db
def test_an_empty_theme_that_a_change_points_at_is_kept() -> None:
    from django.apps import apps

    from tapecut.analysis.recluster import _drop_empty

    kept, dropped = Theme.objects.create(), Theme.objects.create()
    change = apps.get_model("triage", "Change").objects.create(title="Fewer signatures")
    change.themes.add(kept)
    assert _drop_empty({kept.pk, dropped.pk}) == 1
    assert list(Theme.objects.values_list("id", flat=True)) == [kept.pk]
