"""The automatic answer to emailed reports: receipt code, retries, and threading of replies."""

from __future__ import annotations

import pytest
from django.core import mail

from tapecut.core.models import Job
from tapecut.custody import receipts
from tapecut.custody.autoreply import AUTOREPLY_JOB
from tapecut.custody.models import PendingMail
from tapecut.custody.testing import MARKER_ADDRESS, leaks_in, marker_mail, receive, run_jobs
from tapecut.intake.models import FollowUp, MessageRef, Mode, Report
from tapecut.intake.parsing import parse_message

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"


def receive_committed(capture, raw: bytes, to: str, mode: str | None = None):
    with capture(execute=True):
        return receive(raw, to=to, mode=mode)


@pytest.mark.django_db
def test_anonymous_email_gets_a_receipt_by_mail(django_capture_on_commit_callbacks):
    _msg, outcome = receive_committed(
        django_capture_on_commit_callbacks, marker_mail(to=ANON), ANON
    )
    job = Job.objects.get(kind=AUTOREPLY_JOB)
    assert job.payload == {"report_id": outcome.report_id}
    assert run_jobs() >= 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [MARKER_ADDRESS]
    assert sent.reply_to == [ANON]
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    code = next(line.strip() for line in sent.body.splitlines() if line.strip()[:4].isdigit())
    report = Report.objects.get(pk=outcome.report_id)
    assert receipts.find_report(code) == report
    assert "/receipt/" in sent.body
    # Sent once; nothing readable is left behind.
    pending = PendingMail.objects.get()
    assert pending.sent_at is not None and bytes(pending.ciphertext) == b""
    assert leaks_in(str(job.payload)) == []


@pytest.mark.django_db
def test_a_reply_to_the_answer_threads_into_the_report(django_capture_on_commit_callbacks):
    _msg, outcome = receive_committed(
        django_capture_on_commit_callbacks, marker_mail(to=ANON), ANON
    )
    run_jobs()
    answer_id = mail.outbox[0].extra_headers["Message-ID"]
    assert MessageRef.objects.filter(message_id=answer_id, report_id=outcome.report_id).exists()
    reply = marker_mail(to=ANON, subject="Re: Your report has arrived", in_reply_to=answer_id)
    _reply, threaded = receive_committed(django_capture_on_commit_callbacks, reply, ANON)
    assert threaded.outcome == "reply" and threaded.report_id == outcome.report_id
    assert FollowUp.objects.get().report_id == outcome.report_id


@pytest.mark.django_db
def test_the_answer_refers_to_the_original_message(django_capture_on_commit_callbacks):
    raw = marker_mail(to=ANON)
    receive_committed(django_capture_on_commit_callbacks, raw, ANON)
    run_jobs()
    assert mail.outbox[0].extra_headers["In-Reply-To"] == parse_message(raw).message_id


@pytest.mark.django_db
def test_pseudonymous_email_gets_its_alias_and_no_receipt(django_capture_on_commit_callbacks):
    receive_committed(
        django_capture_on_commit_callbacks, marker_mail(to=MAIN), MAIN, Mode.PSEUDONYMOUS
    )
    run_jobs()
    body = mail.outbox[0].body
    assert "Reporter " in body and "receipt code" not in body.lower()
    assert Report.objects.get().receipt_hash == ""


@pytest.mark.django_db
def test_named_email_gets_no_automatic_answer_by_default(django_capture_on_commit_callbacks):
    # Named reporters are acknowledged by the triage workspace instead, without a receipt.
    receive_committed(django_capture_on_commit_callbacks, marker_mail(to=MAIN), MAIN, Mode.NAMED)
    run_jobs()
    assert not Job.objects.filter(kind=AUTOREPLY_JOB).exists()
    assert not PendingMail.objects.exists()
    assert all("receipt code" not in m.body.lower() for m in mail.outbox)


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_with_the_same_code(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    receive_committed(django_capture_on_commit_callbacks, marker_mail(to=ANON), ANON)
    calls = {"n": 0}
    original = mail.EmailMessage.send

    def flaky(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("mail server down")
        return original(self, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)
    run_jobs()
    job = Job.objects.get(kind=AUTOREPLY_JOB)
    assert job.state == Job.State.PENDING and job.attempts == 1
    Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
    run_jobs()
    assert len(mail.outbox) == 1
    code = next(
        line.strip() for line in mail.outbox[0].body.splitlines() if line.strip()[:4].isdigit()
    )
    assert receipts.find_report(code) == Report.objects.get()
