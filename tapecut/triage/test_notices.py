"""Who is told about a change, once each, through which channel, and what a crash does."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from tapecut.analysis.models import DuplicateLink
from tapecut.core import jobs
from tapecut.intake.models import FollowUp, MessageRef, Mode, Report
from tapecut.triage import actions, delivery, notices
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_the_outcome(settings):  # type: ignore[no-untyped-def]
    """These tests are about the end of a change: the news of its earlier steps is switched off
    (test_steps.py covers every step)."""
    settings.TAPECUT_NEWS_STEPS = ["done", "declined"]


def _close(change: Change, actor: object, status: str = "done", reason: str = "") -> None:
    if status == "done":
        actions.do_change_status(change, "approved", actor=actor)
    actions.do_change_status(change, status, actor=actor, reason=reason)


def _run() -> int:
    return jobs.run_pending(kinds=[notices.PLAN_JOB, notices.SEND_JOB])


@pytest.fixture
def linked(personas):  # type: ignore[no-untyped-def]
    """Reports reaching one change directly, through a theme and through a merge."""
    alice1 = make_report("Travel form", sender="alice@corp.example")
    alice2 = make_report("Travel form again", sender="alice@corp.example")
    bob = make_report("Travel", sender="bob@corp.example", mode=Mode.PSEUDONYMOUS)
    anon = make_report("Travel", sender="carol@corp.example", mode=Mode.ANONYMOUS)
    dup = make_report("Same travel form", sender="dan@corp.example", language="de")
    unrelated = make_report("Canteen", sender="eve@corp.example")
    theme = make_theme("Travel forms", [alice2, bob, anon])
    DuplicateLink.objects.create(
        report=dup, original=alice1, kind="manual", score=1.0, state="merged"
    )
    change = actions.do_create_change(
        title="One signature for travel", actor=personas.triager, reports=[alice1], themes=[theme]
    )
    return {
        "change": change,
        "reports": [alice1, alice2, bob, anon, dup],
        "unrelated": unrelated,
    }


def test_linked_reports_follow_themes_and_merges(linked):  # type: ignore[no-untyped-def]
    ids = notices.linked_report_ids(linked["change"])
    assert ids == {r.pk for r in linked["reports"]}
    assert linked["unrelated"].pk not in ids


def test_everyone_linked_is_told_once_through_their_channel(linked, personas):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    _close(linked["change"], personas.triager)
    _run()
    by_kind = {
        (n.reporter.mode if n.reporter else "", n.channel)
        for n in Notice.objects.filter(kind="outcome")
    }
    assert by_kind == {("named", "email"), ("pseudonymous", "email"), ("anonymous", "receipt")}
    # alice (two reports, one reporter), bob (revealed at send time), dan (merged), and the
    # anonymous reporter by relay through the sealed address.
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [
        "alice@corp.example",
        "bob@corp.example",
        "carol@corp.example",
        "dan@corp.example",
    ]
    assert Notice.objects.filter(kind="outcome").count() == 4
    anon = linked["reports"][3]
    followup = FollowUp.objects.get(report=anon, author="team")
    assert "One signature for travel" in followup.text

    # Running the planner and the senders again tells nobody anything new.
    notices.enqueue_outcome(linked["change"].pk)
    _run()
    _run()
    assert len(mail.outbox) == 4
    assert FollowUp.objects.filter(report=anon, author="team").count() == 1
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}


def test_linked_reports_are_marked_answered(linked, personas):  # type: ignore[no-untyped-def]
    _close(linked["change"], personas.triager)
    _run()
    statuses = set(
        Report.objects.filter(pk__in=[r.pk for r in linked["reports"]]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"answered"}


def test_pseudonymous_address_is_not_stored_anywhere(linked, personas):  # type: ignore[no-untyped-def]
    _close(linked["change"], personas.triager)
    _run()
    bob = Notice.objects.get(reporter__mode="pseudonymous")
    row = Notice.objects.filter(pk=bob.pk).values().get()
    assert "bob@corp.example" not in " ".join(str(v) for v in row.values())
    assert bob.reporter is not None and bob.reporter.address == ""


@override_settings(TAPECUT_NOTICE_RELAY=False)
def test_anonymous_without_relay_only_on_receipt_page(linked, personas):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    _close(linked["change"], personas.triager)
    _run()
    assert "carol@corp.example" not in [m.to[0] for m in mail.outbox]
    assert FollowUp.objects.filter(report=linked["reports"][3], author="team").exists()


def test_declined_tells_the_reason_and_asks_no_feedback(linked, personas):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    _close(linked["change"], personas.triager, "declined", "The law requires two signatures.")
    _run()
    body = next(m.body for m in mail.outbox if m.to == ["alice@corp.example"])
    assert "The law requires two signatures." in body
    assert "/feedback/" not in body


def test_reporter_language_is_used(linked, personas):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    _close(linked["change"], personas.triager)
    _run()
    german = next(m for m in mail.outbox if m.to == ["dan@corp.example"])
    english = next(m for m in mail.outbox if m.to == ["alice@corp.example"])
    assert "Was aus Ihrer Meldung wurde" in german.subject
    assert "What came of your report" in english.subject
    assert "Hat das das Problem für Sie gelöst?" in german.body


def test_a_killed_worker_never_sends_twice(linked, personas):  # type: ignore[no-untyped-def]
    _close(linked["change"], personas.triager)
    jobs.run_pending(kinds=[notices.PLAN_JOB])
    notice = Notice.objects.get(reporter__address="alice@corp.example")
    # The worker claimed this one and died before it could mark it sent.
    Notice.objects.filter(pk=notice.pk).update(state="sending")
    mail.outbox.clear()
    assert delivery.deliver(notice.pk) == "skipped"
    _run()
    assert "alice@corp.example" not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 3  # the others were sent
    assert Notice.objects.get(pk=notice.pk).state == "sending"


def test_a_refused_mail_is_retried_and_sent_once(linked, personas):  # type: ignore[no-untyped-def]
    _close(linked["change"], personas.triager)
    jobs.run_pending(kinds=[notices.PLAN_JOB])
    notice = Notice.objects.get(reporter__address="alice@corp.example")
    mail.outbox.clear()
    refused = mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down"))
    with refused, pytest.raises(OSError):
        delivery.deliver(notice.pk)
    assert Notice.objects.get(pk=notice.pk).state == "pending"
    assert delivery.deliver(notice.pk) == "sent"
    assert delivery.deliver(notice.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_reply_to_an_outcome_threads_back_to_the_report(linked, personas):  # type: ignore[no-untyped-def]
    _close(linked["change"], personas.triager)
    _run()
    notice = Notice.objects.get(reporter__address="alice@corp.example")
    assert notice.message_id
    assert MessageRef.objects.filter(message_id=notice.message_id, report=notice.report).exists()
    sent = next(m for m in mail.outbox if m.to == ["alice@corp.example"])
    assert sent.extra_headers["Message-ID"] == notice.message_id
    assert sent.reply_to == ["bureaucracy@corp.example"]


def test_question_by_email_and_on_the_receipt_page(personas):  # type: ignore[no-untyped-def]
    named = make_report(sender="nina@corp.example")
    anon = make_report(sender="x@corp.example", mode=Mode.ANONYMOUS)
    mail.outbox.clear()
    actions.do_ask_question(named, "Which form exactly?", actor=personas.triager)
    actions.do_ask_question(anon, "Which office?", actor=personas.triager)
    _run()
    assert [m.to for m in mail.outbox] == [["nina@corp.example"]]
    assert "Which form exactly?" in mail.outbox[0].body
    assert FollowUp.objects.get(report=anon, author="team").text == "Which office?"
    assert Notice.objects.get(question__report=anon).state == "sent"


def test_acknowledgement_for_named_mail_only(personas):  # type: ignore[no-untyped-def]
    from tapecut.intake.signals import report_created

    mail.outbox.clear()
    named = make_report(sender="nina@corp.example")
    anon = make_report(sender="x@corp.example", mode=Mode.ANONYMOUS)
    report_created.send(Report, report=named)
    report_created.send(Report, report=named)
    report_created.send(Report, report=anon)
    _run()
    acks = [m for m in mail.outbox if "received your report" in m.subject]
    assert [m.to for m in acks] == [["nina@corp.example"]]
    assert "/follow/" in acks[0].body


@override_settings(TAPECUT_ACKNOWLEDGE=False)
def test_acknowledgement_can_be_turned_off(personas):  # type: ignore[no-untyped-def]
    from tapecut.intake.signals import report_created

    report_created.send(Report, report=make_report(sender="nina@corp.example"))
    assert not Notice.objects.filter(kind="ack").exists()
