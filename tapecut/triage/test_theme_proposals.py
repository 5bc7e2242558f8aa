"""Accepting re-clustering's proposed moves on the theme page: one, or all for a theme."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tapecut.analysis.models import ReportAnalysis, ThemeEdit
from tapecut.core.models import AuditEvent
from tapecut.triage.factories import make_report, make_theme


def propose(report: Any, theme: Any) -> None:
    """What ``recluster._propose`` writes for a report it may not move."""
    ReportAnalysis.objects.filter(report=report).update(proposed_theme=theme)


def placement(report: Any) -> tuple[int | None, bool, int | None]:
    a = ReportAnalysis.objects.get(report=report)
    return a.theme_id, a.theme_pinned_at is not None, a.proposed_theme_id


def test_accept_one_from_the_reports_row_and_all_from_the_proposals(client_as: Any) -> None:
    travel = [make_report(subject=f"Travel {i}") for i in range(3)]
    canteen = [make_report(subject=f"Canteen {i}") for i in range(2)]
    a, b = make_theme("Travel", travel), make_theme("Canteen", canteen)
    for report in travel:
        propose(report, b)
    page = client_as("triager")

    body = page.get(f"/themes/{a.pk}/").content.decode()
    assert f'form="accept-{travel[0].pk}"' in body and "Accept the move" in body
    body = page.get(f"/themes/{b.pk}/").content.decode()
    assert "Proposed for this theme" in body and "Accept all 3 proposed moves" in body

    # One move, from the row on the page of the theme the report is in: back to that page.
    reply = page.post(
        f"/themes/{b.pk}/edit/", {"action": "accept", "report": travel[0].pk, "back": a.pk}
    )
    assert reply["Location"] == f"/themes/{a.pk}/"
    assert placement(travel[0]) == (b.pk, True, None)
    assert placement(travel[1]) == (a.pk, False, b.pk)

    # A report not proposed here is refused, nothing moves.
    reply = page.post(
        f"/themes/{b.pk}/edit/", {"action": "accept", "report": canteen[0].pk}, follow=True
    )
    assert "proposes no move here" in reply.content.decode()

    # All the rest, in one step (htmx swaps the proposals and the reports without a reload).
    reply = page.post(f"/themes/{b.pk}/edit/", {"action": "accept"}, HTTP_HX_REQUEST="true")
    assert reply.status_code == 302
    assert [placement(r)[0] for r in travel] == [b.pk] * 3
    body = page.get(f"/themes/{b.pk}/").content.decode()
    assert "Proposed for this theme" not in body and 'id="proposals"' in body
    assert "Accepted 2 proposed moves" in body
    assert AuditEvent.objects.filter(verb="theme.proposals_accepted").count() == 2
    assert AuditEvent.objects.filter(verb="theme.reports_moved").count() == 2

    # Undone like any move: back where they were, no longer pinned.
    last = ThemeEdit.objects.filter(kind="move").latest("id")
    page.post(f"/themes/{b.pk}/edit/", {"action": "undo", "edit": last.pk})
    assert placement(travel[1])[:2] == (a.pk, False)
    assert placement(travel[0]) == (b.pk, True, None)

    reply = page.post(f"/themes/{b.pk}/edit/", {"action": "accept"}, follow=True)
    assert "proposes no reports for this theme" in reply.content.decode()


def test_only_the_team_accepts(client_as: Any) -> None:
    report = make_report()
    a, b = make_theme("A", [report]), make_theme("B", [])
    propose(report, b)
    for name in ("owner", "leader", "reporter"):
        reply = client_as(name).post(f"/themes/{b.pk}/edit/", {"action": "accept"})
        assert reply.status_code == 403
    assert placement(report) == (a.pk, False, b.pk)


def test_the_proposals_read_in_german(personas: Any) -> None:
    report = make_report(subject="Reise")
    a, b = make_theme("A", [report]), make_theme("B", [])
    propose(report, b)
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(personas.triager)
    body = german.get(f"/themes/{b.pk}/").content.decode()
    assert "Für dieses Thema vorgeschlagen" in body and "jetzt in „A“" in body
    assert "Die Neugruppierung würde 1 Meldung hierher verschieben" in body
    assert "Vorgeschlagene Verschiebung übernehmen" in body
    assert "Verschiebung übernehmen" in german.get(f"/themes/{a.pk}/").content.decode()
    reply = german.post(f"/themes/{b.pk}/edit/", {"action": "accept"}, follow=True)
    assert "1 vorgeschlagene Verschiebung übernommen" in reply.content.decode()
