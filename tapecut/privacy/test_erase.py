"""A reporter's rights: erasure on request and an export of everything held, by the custodian;
and the retention rules for reports whose changes are open, closed, themed or merged."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tapecut.analysis.models import DuplicateLink
from tapecut.core.models import AuditEvent
from tapecut.intake.models import FollowUp, InboundMessage, Report, Reporter
from tapecut.privacy import actions as privacy_actions
from tapecut.privacy import retention
from tapecut.privacy.actions import do_purge
from tapecut.triage import actions
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change
from tapecut.triage.personas import make_personas

pytestmark = pytest.mark.django_db

ADDRESS = "nina.marker@corp.example"


@pytest.fixture
def ninas_reports() -> list[Report]:
    first = make_report(
        "Taxi receipts",
        "Three signatures for a taxi receipt. Nina Marker, call +49 171 5559876",
        sender=ADDRESS,
        name="Nina Marker",
        quoted_text="> from the office",
    )
    FollowUp.objects.create(report=first, text="It got worse.", created_at=timezone.now())
    second = make_report("Desk form", "The desk form again.", sender=ADDRESS, name="Nina Marker")
    return [first, second]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_custodian_exports_then_erases_a_reporter(ninas_reports: list[Report]) -> None:
    make_personas()
    why = "Request of 6 December, ticket 42"
    exported = json.loads(
        run("export-reporter", "--address", ADDRESS, "--as", "carl", "--reason", why, "--raw")
    )
    assert exported["reporter"]["address"] == ADDRESS
    assert [r["subject"] for r in exported["reports"]] == ["Taxi receipts", "Desk form"]
    assert exported["reports"][0]["followups"][0]["text"] == "It got worse."
    assert exported["reports"][0]["messages"][0]["raw_base64"]
    with pytest.raises(CommandError, match="custodian"):
        run("erase", "--address", ADDRESS, "--as", "ada", "--reason", why)

    before = (Report.objects.count(), Reporter.objects.count(), FollowUp.objects.count())
    run("erase", "--report", str(ninas_reports[0].pk), "--as", "carl", "--reason", why)

    assert (Report.objects.count(), Reporter.objects.count(), FollowUp.objects.count()) == before
    reporter = Reporter.objects.get(reports=ninas_reports[0])
    assert (reporter.address, reporter.display_name, reporter.address_hmac) == ("", "", "")
    first = Report.objects.get(pk=ninas_reports[0].pk)
    assert "Three signatures for a taxi receipt." in first.text
    assert "Nina" not in first.text and "5559876" not in first.text
    assert first.quoted_text == "" and first.purged_at is not None
    assert FollowUp.objects.get(report=first).text == "[deleted]"
    for msg in InboundMessage.objects.filter(report__in=ninas_reports):
        assert msg.raw_inline is None and msg.purged_at is not None
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert "reporter.export" in verbs and "reporter.erase" in verbs
    assert ADDRESS not in json.dumps(list(AuditEvent.objects.values("detail")))


def change(status: str, reports: list[Report], days_ago: int | None = None) -> Change:
    made = Change.objects.create(title=f"change {status}", status=status)
    actions.do_link_change(made, actor=None, reports=reports)
    if days_ago is not None:
        at = timezone.now() - timedelta(days=days_ago)
        Change.objects.filter(pk=made.pk).update(done_at=at, declined_at=at)
    return made


@override_settings(TAPECUT_RETENTION_CLOSED_DAYS=90, TAPECUT_RETENTION_NO_CHANGE_DAYS=365)
def test_which_reports_expire() -> None:
    long_ago = timezone.now() - timedelta(days=700)
    declined = make_report(received_at=long_ago)
    change(Change.Status.DECLINED, [declined], days_ago=91)
    half_open = make_report(received_at=long_ago)
    change(Change.Status.DONE, [half_open], days_ago=200)
    change(Change.Status.APPROVED, [half_open])
    themed = make_report(received_at=long_ago)
    theme_change = change(Change.Status.IN_PROGRESS, [])
    actions.do_link_change(theme_change, actor=None, themes=[make_theme("Travel", [themed])])
    merged = make_report(received_at=long_ago)
    DuplicateLink.objects.create(
        report=merged, original=half_open, kind="manual", score=1, state="merged"
    )
    recently_closed = make_report(received_at=long_ago)
    change(Change.Status.DONE, [recently_closed], days_ago=10)
    idle = make_report(received_at=long_ago)
    talking = make_report(received_at=long_ago)
    FollowUp.objects.create(report=talking, text="still there", created_at=timezone.now())

    found = {e.report_id: e.rule for e in retention.expired_reports(timezone.now())}
    assert found == {declined.pk: "closed", idle.pk: "no_change"}
    with override_settings(TAPECUT_RETENTION_CLOSED_DAYS=0, TAPECUT_RETENTION_NO_CHANGE_DAYS=0):
        assert retention.expired_reports(timezone.now()) == []
    assert do_purge().counts["reports"] == 2
    assert do_purge().counts["reports"] == 0


def test_the_custodian_page_exports_and_erases(ninas_reports: list[Report]) -> None:
    from django.test import Client

    personas = make_personas()
    client = Client()
    client.force_login(personas.custodian)
    assert b"Erase on request" in client.get("/privacy/").content
    german = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Daten von Meldenden" in german and "Auf Wunsch löschen" in german
    why = "Request by letter of 6 December"
    got = client.post("/privacy/export/", {"address": ADDRESS, "reason": why})
    assert (
        got["Content-Disposition"]
        == f'attachment; filename="reporter-{ninas_reports[0].reporter_id}.json"'
    )
    assert json.loads(got.content)["reporter"]["name"] == "Nina Marker"
    unconfirmed = {"report": ninas_reports[1].pk, "reason": why}
    client.post("/privacy/erase/", unconfirmed)
    assert Reporter.objects.get(reports=ninas_reports[1]).address == ADDRESS
    client.post("/privacy/erase/", {**unconfirmed, "confirm": "1"})
    assert Reporter.objects.get(reports=ninas_reports[1]).address == ""
    admin = Client()
    admin.force_login(personas.admin)
    assert admin.post("/privacy/erase/", {**unconfirmed, "confirm": "1"}).status_code == 403


@override_settings(TAPECUT_RETENTION_NO_CHANGE_DAYS=365)
def test_an_identity_goes_with_the_last_kept_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy_actions, "BATCH", 1)  # each report in its own transaction
    long_ago = timezone.now() - timedelta(days=700)
    both_old = [
        make_report(f"Form {n}", sender="old@corp.example", received_at=long_ago) for n in (1, 2)
    ]
    one_old = make_report("Form 3", sender="half@corp.example", received_at=long_ago)
    make_report("Form 4", sender="half@corp.example")  # recent: keeps the identity
    counts = do_purge().counts
    assert counts["reports"] == 3 and counts["identities"] == 1
    assert Reporter.objects.get(reports=both_old[0]).address == ""
    assert Reporter.objects.get(reports=one_old).address == "half@corp.example"
