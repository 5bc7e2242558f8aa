"""A change answers the reports linked to it: at the moment it is made, by hand, never silently."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook

from tapecut.accounts.actions import do_create_token
from tapecut.analysis.models import DuplicateLink, ReportAnalysis
from tapecut.core import jobs
from tapecut.core.models import AuditEvent
from tapecut.triage import actions, linked, notices
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, ChangeReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def travel(personas):  # type: ignore[no-untyped-def]
    """A change made from a theme of three reports; a fourth joins the theme afterwards."""
    first = [make_report(sender=f"early{i}@corp.example") for i in range(3)]
    theme = make_theme("Travel forms", first)
    change = actions.do_create_change(title="One signature", actor=personas.triager, themes=[theme])
    late = make_report(sender="late@corp.example")
    ReportAnalysis.objects.update_or_create(report=late, defaults={"theme": theme})
    return {"change": change, "theme": theme, "first": first, "late": late}


def test_the_themes_reports_of_that_moment_are_linked_and_later_ones_proposed(travel):  # type: ignore[no-untyped-def]
    change = travel["change"]
    assert linked.change_report_ids(change) == sorted(r.pk for r in travel["first"])
    assert list(linked.proposed_reports(change)) == [travel["late"]]
    link = change.report_links.first()
    assert (link.source, link.linked_by.get_username()) == ("theme", "tom")
    create = AuditEvent.objects.get(verb="change.create")
    assert create.detail["reports"] == sorted(r.pk for r in travel["first"])


def test_notices_go_exactly_to_linked_reporters_and_merged_duplicates(travel, personas):  # type: ignore[no-untyped-def]
    change = travel["change"]
    dup = make_report(sender="dup@corp.example")
    DuplicateLink.objects.create(
        report=dup, original=travel["first"][0], kind="manual", score=1.0, state="merged"
    )
    mail.outbox.clear()
    actions.do_change_status(change, "approved", actor=personas.triager)
    actions.do_change_status(change, "done", actor=personas.triager)
    jobs.run_pending()
    jobs.run_pending()
    told = sorted({m.to[0] for m in mail.outbox})  # news at every step: a mail per step
    assert told == ["dup@corp.example"] + [f"early{i}@corp.example" for i in range(3)]
    assert "late@corp.example" not in told  # in the theme, but only proposed


def test_removing_needs_a_reason_is_audited_and_is_not_proposed_again(travel, personas):  # type: ignore[no-untyped-def]
    change, gone = travel["change"], travel["first"][1]
    with pytest.raises(actions.TriageError):  # the message is in the active language
        actions.do_unlink_reports(change, [gone], actor=personas.triager, reason=" ")
    removed = actions.do_unlink_reports(
        change, [gone], actor=personas.triager, reason="About hotels, not forms"
    )
    assert removed == [gone.pk]
    assert gone.pk not in linked.change_report_ids(change)
    assert gone not in linked.proposed_reports(change)  # the team decided: not offered again
    row = ChangeReport.objects.get(change=change, report=gone)
    assert (row.removed_reason, row.removed_by) == ("About hotels, not forms", personas.triager)
    event = AuditEvent.objects.get(verb="change.unlink")
    assert event.detail == {"reports": [gone.pk], "reason": "About hotels, not forms"}
    # Linking it again puts it back in force, with who did it.
    added = actions.do_link_change(change, actor=personas.admin, reports=[gone], reason="Both")
    assert added == [gone.pk] and gone.pk in linked.change_report_ids(change)
    assert ChangeReport.objects.get(change=change, report=gone).removed_at is None


def test_the_change_page_lists_links_proposals_and_edits_them(travel, client_as):  # type: ignore[no-untyped-def]
    change, late = travel["change"], travel["late"]
    client = client_as("triager")
    page = client.get(f"/changes/{change.pk}/").content.decode()
    assert "3 reports linked" in page
    assert "1 new report in this theme since the change was made" in page
    client.post(f"/changes/{change.pk}/link/", {"reports": [late.pk], "source": "proposal"})
    assert ChangeReport.objects.get(change=change, report=late).source == "proposal"
    client.post(
        f"/changes/{change.pk}/unlink/",
        {"reports": [travel["first"][0].pk], "reason": "Duplicate of another change"},
    )
    page = client.get(f"/changes/{change.pk}/").content.decode()
    assert "3 reports linked" in page and "since the change was made" not in page
    assert "Duplicate of another change" in page


def _count_in_list(client: Client, change: Change) -> int:
    html = client.get("/changes/").content.decode()
    row = re.search(rf'/changes/{change.pk}/".*?</tr>', html, re.S)
    assert row, html
    return int(re.findall(r"<td>(\d+)</td>", row.group(0))[-1])


def _count_in_exports(client: Client, change: Change) -> tuple[int, int, int]:
    rows = list(
        csv.reader(io.StringIO(client.get("/insights/export/changes.csv").content.decode()))
    )
    csv_count = int(next(r for r in rows[1:] if r[0] == str(change.pk))[rows[0].index("reports")])
    book = load_workbook(io.BytesIO(client.get("/insights/export/changes.xlsx").content))
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
    xlsx_count = int(next(r for r in sheet[1:] if r[0] == change.pk)[sheet[0].index("reports")])
    reports = csv.reader(io.StringIO(client.get("/insights/export/reports.csv").content.decode()))
    header, *body = list(reports)
    column = header.index("change_ids")
    in_reports = sum(str(change.pk) in r[column].split(";") for r in body)
    return csv_count, xlsx_count, in_reports


def test_every_count_of_a_changes_reports_is_the_same_number(travel, personas, client_as):  # type: ignore[no-untyped-def]
    change = travel["change"]
    more = [make_report(sender=f"more{i}@corp.example") for i in range(3)]
    actions.do_link_change(change, actor=personas.triager, reports=more)
    actions.do_unlink_reports(change, [more[0]], actor=personas.triager, reason="Other problem")
    want = len(linked.change_report_ids(change))
    assert want == 5
    triager = client_as("triager")
    assert _count_in_list(triager, change) == want
    assert f"{want} reports linked" in triager.get(f"/changes/{change.pk}/").content.decode()
    assert _count_in_exports(client_as("leader"), change) == (want, want, want)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(personas.triager)[1]}")
    body = api.get(f"/api/v1/changes/{change.pk}").json()
    assert (len(body["report_ids"]), body["linked_report_count"]) == (want, want)
    counted = linked.with_report_count(Change.objects.filter(pk=change.pk)).get()
    assert counted.report_count == want  # type: ignore[attr-defined]


def test_recount_by_theme_moves_does_not_touch_links(travel):  # type: ignore[no-untyped-def]
    """Whatever the themes do later, the links stay: moving every report out changes nothing."""
    change = travel["change"]
    before = linked.change_report_ids(change)
    ReportAnalysis.objects.filter(theme=travel["theme"]).update(theme=None)
    assert linked.change_report_ids(change) == before
    assert notices.linked_report_ids(change) == set(before)
    assert not linked.proposed_reports(change).exists()
