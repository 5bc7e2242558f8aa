"""The theme page's operations: rename, move, merge, split, undo; the list's create."""

from __future__ import annotations

from typing import Any

from tapecut.analysis.models import ReportAnalysis, Theme, ThemeEdit
from tapecut.core.models import AuditEvent
from tapecut.triage.factories import make_report, make_theme


def theme_of(report: Any) -> int | None:
    return ReportAnalysis.objects.get(report=report).theme_id


def test_rename_move_merge_split_and_undo_from_the_theme_page(client_as: Any) -> None:
    a_reports = [make_report(subject=f"Travel {i}") for i in range(3)]
    b_reports = [make_report(subject=f"Canteen {i}") for i in range(2)]
    a, b = make_theme("Travel", a_reports), make_theme("Canteen", b_reports)
    page = client_as("triager")
    url = f"/themes/{a.pk}/edit/"

    reply = page.post(url, {"action": "rename", "title": "Three signatures per trip"}, follow=True)
    assert "Three signatures per trip" in reply.content.decode()
    a.refresh_from_db()
    assert a.title_source == "team" and a.curated_at is not None

    page.post(url, {"action": "move", "reports": f"{b_reports[0].pk}"})
    assert theme_of(b_reports[0]) == a.pk

    page.post(url, {"action": "merge", "other": b.pk})
    assert theme_of(b_reports[1]) == a.pk

    reply = page.post(
        url,
        {"action": "split", "report": [a_reports[0].pk, a_reports[1].pk], "title": "Approvals"},
    )
    new = Theme.objects.get(title="Approvals")
    assert reply["Location"] == f"/themes/{new.pk}/" and theme_of(a_reports[0]) == new.pk
    assert "Split · " in page.get(f"/themes/{a.pk}/").content.decode()  # undoable here too

    merge = ThemeEdit.objects.get(kind="merge")
    page.post(url, {"action": "undo", "edit": merge.pk})
    assert theme_of(b_reports[1]) == b.pk
    body = page.get(f"/themes/{a.pk}/").content.decode()
    assert "Curate this theme" in body and "undone" in body
    assert AuditEvent.objects.filter(verb="theme.undone").count() == 1

    reply = page.post(url, {"action": "rename", "title": " "}, follow=True)
    assert "needs a title" in reply.content.decode()


def test_create_a_theme_from_the_list(client_as: Any) -> None:
    report = make_report(subject="Taxi receipts")
    page = client_as("triager")
    reply = page.post("/themes/new/", {"title": "Taxi", "reports": str(report.pk)})
    theme = Theme.objects.get(title="Taxi")
    assert reply["Location"] == f"/themes/{theme.pk}/" and theme_of(report) == theme.pk
    listing = page.get("/themes/").content.decode()
    assert "Create a theme" in listing and "Taxi" in listing
    assert client_as("owner").post("/themes/new/", {"title": "x"}).status_code == 403


def test_the_title_is_shown_in_the_readers_language(client_as: Any) -> None:
    theme = make_theme("", [make_report(subject="x")], title_source="report")
    theme.titles = {"en": "Taxi receipts are refused", "de": "Taxiquittungen werden abgelehnt"}
    theme.title = theme.titles["en"]
    theme.save()
    page = client_as("triager")
    german = page.get(f"/themes/{theme.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Taxiquittungen werden abgelehnt" in german and "Dieses Thema bearbeiten" in german
    english = page.get(f"/themes/{theme.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Taxi receipts are refused" in english
