"""Changes: their life cycle, who may move them, evidence, and reminders to owners."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tapecut.core.models import AuditEvent, Job
from tapecut.triage import actions, notices, reminders
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(personas):  # type: ignore[no-untyped-def]
    return actions.do_create_change(
        title="One signature", actor=personas.triager, owner=personas.owner
    )


def test_the_life_of_a_change_is_audited(change, personas):  # type: ignore[no-untyped-def]
    for status in ("approved", "in_progress", "done"):
        actions.do_change_status(change, status, actor=personas.owner)
    change.refresh_from_db()
    assert change.status == "done"
    assert change.approved_at and change.started_at and change.done_at
    trail = list(
        AuditEvent.objects.filter(verb="change.status", object_id=str(change.pk))
        .order_by("at", "id")
        .values_list("detail", flat=True)
    )
    assert [(d["old"], d["new"]) for d in trail] == [
        ("proposed", "approved"),
        ("approved", "in_progress"),
        ("in_progress", "done"),
    ]
    planned = Job.objects.filter(kind=notices.PLAN_JOB, payload__change_id=change.pk)
    assert sorted(str(key) for key in planned.values_list("key", flat=True)) == [
        f"plan-outcome:{change.pk}:{step}" for step in ("approved", "done", "in_progress")
    ]


def test_rules_of_the_road(change, personas):  # type: ignore[no-untyped-def]
    with pytest.raises(actions.TriageError, match="cannot go from"):
        actions.do_change_status(change, "done", actor=personas.triager)
    with pytest.raises(actions.TriageError, match="reason"):
        actions.do_change_status(change, "declined", actor=personas.triager, reason="  ")
    with pytest.raises(actions.TriageError, match="Unknown status"):
        actions.do_change_status(change, "finished", actor=personas.triager)
    with pytest.raises(actions.TriageError, match="title"):
        actions.do_create_change(title=" ", actor=personas.triager)
    actions.do_change_status(change, "declined", actor=personas.triager, reason="The law.")
    assert Change.objects.get(pk=change.pk).decline_reason == "The law."


def test_create_from_a_theme_and_from_selected_reports(client_as, personas):  # type: ignore[no-untyped-def]
    r1, r2 = make_report(), make_report()
    theme = make_theme("Travel forms", [r1], summary="Too many signatures.")
    client = client_as("triager")
    form = client.get(f"/changes/new/?theme={theme.pk}").content.decode()
    assert 'value="Travel forms"' in form and "Too many signatures." in form
    response = client.post(
        "/changes/new/",
        {"title": "Fewer signatures", "theme": theme.pk, "reports": [r2.pk], "owner": ""},
    )
    change = Change.objects.get(title="Fewer signatures")
    assert response["Location"] == f"/changes/{change.pk}/"
    assert list(change.themes.all()) == [theme]
    sources = dict(change.report_links.values_list("report_id", "source"))
    assert sources == {r1.pk: "theme", r2.pk: "hand"}
    assert notices.linked_report_ids(change) == {r1.pk, r2.pk}


def test_an_owner_moves_only_their_own_changes(change, client_as, personas):  # type: ignore[no-untyped-def]
    other = actions.do_create_change(title="Not hers", actor=personas.triager)
    owner = client_as("owner")
    owner.post(f"/changes/{change.pk}/status/", {"status": "approved"})
    assert Change.objects.get(pk=change.pk).status == "approved"
    assert owner.post(f"/changes/{other.pk}/status/", {"status": "approved"}).status_code == 403
    assert Change.objects.get(pk=other.pk).status == "proposed"
    listing = owner.get("/changes/").content.decode()
    assert "One signature" in listing and "Not hers" not in listing
    # A wrong move is explained, not executed.
    page = owner.post(f"/changes/{change.pk}/status/", {"status": "declined"}, follow=True)
    assert "Declining needs a reason" in page.content.decode()


def test_evidence_files_are_downloads_only(change, client_as):  # type: ignore[no-untyped-def]
    client = client_as("owner")
    upload = SimpleUploadedFile("memo.html", b"<script>alert(1)</script>", "text/html")
    client.post(
        f"/changes/{change.pk}/evidence/",
        {"text": "Signed by the board", "url": "https://intranet.example/memo", "file": upload},
    )
    evidence = change.evidence.get()
    assert (evidence.text, evidence.url, evidence.filename) == (
        "Signed by the board",
        "https://intranet.example/memo",
        "memo.html",
    )
    response = client.get(f"/changes/{change.pk}/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b"<script>alert(1)</script>"
    with pytest.raises(actions.TriageError):
        actions.do_add_evidence(change, actor=None, url="javascript:alert(1)")


def test_owners_of_overdue_changes_are_reminded_once_a_day(change, personas):  # type: ignore[no-untyped-def]
    Change.objects.filter(pk=change.pk).update(due_date=dt.date(2026, 1, 1))
    done = actions.do_create_change(title="Finished", actor=personas.triager, owner=personas.owner)
    Change.objects.filter(pk=done.pk).update(due_date=dt.date(2026, 1, 1), status="done")
    mail.outbox.clear()
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    assert reminders.do_remind_overdue(monday) == 1
    assert reminders.do_remind_overdue(monday + dt.timedelta(hours=6)) == 0
    assert [m.to for m in mail.outbox] == [[personas.owner.email]]
    assert "One signature" in mail.outbox[0].subject
    assert reminders.do_remind_overdue(monday + dt.timedelta(days=1)) == 1
    out = StringIO()
    call_command("remind", stdout=out)
    assert "reminder(s) sent" in out.getvalue()


def test_notes_and_attention(change, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    client.post(f"/changes/{change.pk}/note/", {"text": "Ask legal first."})
    assert change.notes.get().text == "Ask legal first."
    Change.objects.filter(pk=change.pk).update(needs_attention=True)
    client.post(f"/changes/{change.pk}/attention/")
    assert not Change.objects.get(pk=change.pk).needs_attention
    assert AuditEvent.objects.filter(verb="change.attention_cleared").exists()


def test_due_dates_survive_a_german_page(change, personas):  # type: ignore[no-untyped-def]
    from django.test import Client

    Change.objects.filter(pk=change.pk).update(due_date=dt.date(2027, 1, 31))
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(personas.triager)
    page = client.get(f"/changes/{change.pk}/").content.decode()
    assert "Problem und Entscheidung" in page
    assert 'type="date" value="2027-01-31"' in page.replace('name="due_date" ', "")
