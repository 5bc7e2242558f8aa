"""Theme operations by the team: each audited, undoable, and left alone by re-clustering."""

from __future__ import annotations

import pytest
from django.apps import apps

from tapecut.analysis import actions, curation
from tapecut.analysis.factories import make_report
from tapecut.analysis.models import ReportAnalysis, Theme, ThemeEdit
from tapecut.analysis.test_themes import PRINTER, TRAVEL
from tapecut.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CANTEEN = [
    "Die Kantine schließt schon um 13 Uhr",
    "Kantine schließt um 13 Uhr, zu früh",
    "Warum schließt die Kantine um 13 Uhr",
]


def analysed(texts: list[str]) -> list[int]:
    return [actions.do_analyse_report(make_report(t)).report_id for t in texts]


def theme_of(report_id: int) -> int:
    return ReportAnalysis.objects.get(report_id=report_id).theme_id or 0


def test_a_moved_report_and_a_renamed_theme_stay_when_themes_are_reclustered() -> None:
    travel, printer = analysed(TRAVEL), analysed([*PRINTER, "Der Drucker druckt nicht"])
    target = Theme.objects.get(pk=theme_of(printer[0]))
    curation.do_move_reports(target, [travel[0]])
    renamed = Theme.objects.get(pk=theme_of(travel[1]))
    curation.do_rename_theme(renamed, "Three signatures for every trip")
    members = set(renamed.analyses.values_list("report_id", flat=True))
    result = actions.do_recluster()
    assert theme_of(travel[0]) == target.pk
    renamed.refresh_from_db()
    assert renamed.title == "Three signatures for every trip"
    assert renamed.title_source == Theme.TitleSource.TEAM
    assert set(renamed.analyses.values_list("report_id", flat=True)) == members
    assert result.kept >= len(members) + 1
    # The moved travel report would join the travel theme: proposed, not moved.
    proposal = ReportAnalysis.objects.get(report_id=travel[0]).proposed_theme_id
    assert proposal == renamed.pk


def test_reports_a_change_answers_stay_where_they_are() -> None:
    travel = analysed(TRAVEL[:3])
    change = apps.get_model("triage", "Change").objects.create(title="One signature")
    link = apps.get_model("triage", "ChangeReport")
    link.objects.create(change=change, report_id=travel[2])
    lone = Theme.objects.create(title="elsewhere")
    ReportAnalysis.objects.filter(report_id=travel[2]).update(theme=lone)
    actions.do_recluster()
    assert theme_of(travel[2]) == lone.pk  # a change answers it: kept


def test_merge_split_create_and_undo() -> None:
    travel, canteen = analysed(TRAVEL[:3]), analysed(CANTEEN)
    a, b = Theme.objects.get(pk=theme_of(travel[0])), Theme.objects.get(pk=theme_of(canteen[0]))
    edit = curation.do_merge_themes(a, b)
    assert all(theme_of(r) == a.pk for r in travel + canteen)
    b.refresh_from_db()
    assert b.merged_into_id == a.pk and b.report_count == 0
    actions.do_recluster()
    assert all(theme_of(r) == a.pk for r in travel + canteen)  # merged by hand: kept
    curation.do_undo_theme_edit(edit)
    assert all(theme_of(r) == b.pk for r in canteen) and theme_of(travel[0]) == a.pk
    b.refresh_from_db()
    assert b.merged_into_id is None and b.report_count == 3

    new = curation.do_split_theme(b, canteen[:2], "Canteen hours")
    assert {theme_of(r) for r in canteen[:2]} == {new.pk} and theme_of(canteen[2]) == b.pk
    split = ThemeEdit.objects.get(kind="split")
    curation.do_undo_theme_edit(split)
    assert not Theme.objects.filter(pk=new.pk).exists()
    assert all(theme_of(r) == b.pk for r in canteen)
    with pytest.raises(curation.ThemeError):
        curation.do_undo_theme_edit(split)

    made = curation.do_create_theme("Printer and canteen", [canteen[0]])
    assert theme_of(canteen[0]) == made.pk and made.curated_at is not None
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"theme.merged", "theme.split", "theme.undone", "theme.created"} <= verbs


def test_a_split_takes_only_reports_of_the_theme() -> None:
    travel, canteen = analysed(TRAVEL[:3]), analysed(CANTEEN)
    theme = Theme.objects.get(pk=theme_of(travel[0]))
    with pytest.raises(curation.ThemeError):
        curation.do_split_theme(theme, [canteen[0]], "Wrong")
    with pytest.raises(curation.ThemeError):
        curation.do_rename_theme(theme, "   ")


def test_a_typed_title_wins_over_the_model(settings) -> None:
    from tapecut.ai import registry

    settings.TAPECUT_AI_CHAT = "tapecut.ai.backends.fake.FakeChat"
    registry.reset()
    travel = analysed(TRAVEL)
    theme = Theme.objects.get(pk=theme_of(travel[0]))
    curation.do_rename_theme(theme, "Signatures")
    actions.do_recluster()
    theme.refresh_from_db()
    assert theme.title == "Signatures"


def test_titles_come_from_a_report_without_a_model() -> None:
    travel = analysed(TRAVEL)
    actions.do_recluster()
    theme = Theme.objects.get(pk=theme_of(travel[0]))
    assert theme.title_source == Theme.TitleSource.REPORT
    assert theme.title in TRAVEL and theme.keywords
    assert theme.label_in("en") == theme.title
