"""The leak test of the failure paths: where something fails, is retried or comes another way.

A protected sender (address, name, domain, client IP, phone) goes through: a receipt mail the
mail server refuses, a notice it refuses, a worker killed while sending and the retry, a reply
to the named address instead of the anonymous one, the same message delivered twice (by a real
SMTP server), and the web form from their IP. Then the database file and its WAL (a logical
dump on PostgreSQL), the message store, every log line and every page and API answer must not
hold any of it: 0 hits.
"""

from __future__ import annotations

import logging
import smtplib
import time
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.test import override_settings
from django.utils import timezone

from tapecut.core import jobs
from tapecut.core.models import Job
from tapecut.custody.autoreply import AUTOREPLY_JOB
from tapecut.custody.test_leaks import triage_pages
from tapecut.custody.testing import (
    Marker,
    database_bytes,
    leaks_in,
    make_user,
    marker_mail,
    refusing_smtp,
    run_jobs,
    store_bytes,
)
from tapecut.intake.form import issue_token
from tapecut.intake.models import Mode, Report
from tapecut.intake.parsing import parse_message
from tapecut.intake.smtp_server import ServerThread
from tapecut.triage import actions, notices
from tapecut.triage.models import Notice
from tapecut.triage.personas import make_personas

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"


class Killed(BaseException):
    """Stands for SIGKILL in the middle of sending: nothing of the job's code runs after it."""


def smtp_send(port: int, raw: bytes, sender: str, to: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.sendmail(sender, [to], raw)


def by_smtp(marker: Marker) -> bytes:
    """An anonymous report, a pseudonymous one, a reply to the wrong address, a duplicate."""
    first = marker_mail(to=ANON, marker=marker)
    pseudo = marker_mail(to=MAIN, subject="Pseudonymous by mail", marker=marker)
    reply = marker_mail(
        to=MAIN, subject="Re: Form 27b", marker=marker, in_reply_to=parse_message(first).message_id
    )
    server = ServerThread()
    server.start()
    try:
        smtp_send(server.port, first, marker.address, ANON)
        smtp_send(server.port, first, marker.address, ANON)  # delivered twice
        with override_settings(TAPECUT_DEFAULT_MODE=Mode.PSEUDONYMOUS):
            smtp_send(server.port, pseudo, marker.address, MAIN)
        jobs.run_pending(kinds=["intake.parse"])
        smtp_send(server.port, reply, marker.address, MAIN)  # the wrong address
        smtp_send(server.port, reply, marker.address, MAIN)
        jobs.run_pending(kinds=["intake.parse"])
    finally:
        server.stop()
    return first


def refused_then_killed_then_sent() -> None:
    """Automatic answers: refused (retried later), then the worker dies mid-send, then sent."""
    with refusing_smtp() as smtp, override_settings(**smtp):
        jobs.run_pending()
    assert Job.objects.filter(kind=AUTOREPLY_JOB, last_error__contains="Refused").exists()
    Job.objects.filter(state=Job.State.PENDING).update(run_after=timezone.now())
    with mock.patch.object(EmailMessage, "send", side_effect=Killed), pytest.raises(Killed):
        jobs.run_pending()
    # The lease of the dead worker runs out; another worker takes the job again.
    Job.objects.filter(state=Job.State.PENDING).update(
        claimed_until=timezone.now(), run_after=timezone.now()
    )
    run_jobs()


def refused_notice(marker: Marker) -> None:
    personas = make_personas()
    reports = list(Report.objects.filter(mode__in=[Mode.PSEUDONYMOUS, Mode.ANONYMOUS]))
    change = actions.do_create_change(title="One form", actor=personas.triager, reports=reports)
    actions.do_change_status(change, "approved", actor=personas.triager)
    actions.do_change_status(change, "done", actor=personas.triager)
    with refusing_smtp() as smtp, override_settings(TAPECUT_NOTICE_RELAY=True, **smtp):
        jobs.run_pending(kinds=[notices.PLAN_JOB, notices.SEND_JOB])
    assert Notice.objects.filter(error__contains="SMTPRecipientsRefused").exists()


def by_form_from_their_address(client, marker: Marker) -> None:
    page = client.post(
        "/report/",
        {
            "subject": "Anonymous by the form",
            "text": f"The canteen form again. Call {marker.phone}.",
            "mode": Mode.ANONYMOUS,
            "website": "",
            "token": issue_token(time.time() - 10),
        },
        REMOTE_ADDR=marker.ip,
        HTTP_USER_AGENT=f"Mozilla/5.0 ({marker.host})",
    )
    assert page.status_code == 200, page.content


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_failure_paths_leave_no_trace_of_a_protected_sender(client, caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    by_smtp(marker)
    by_form_from_their_address(client, marker)
    refused_then_killed_then_sent()
    refused_notice(marker)
    assert Report.objects.filter(mode=Mode.ANONYMOUS).count() == 2
    assert Report.objects.filter(mode=Mode.PSEUDONYMOUS).count() == 1
    make_user("reader", "triager")
    # The paths really ran (and logged): the duplicate, the refusals, the retry that sent.
    assert "arrived again" in caplog.text and "relay of notice" in caplog.text
    assert Job.objects.filter(kind=AUTOREPLY_JOB, state=Job.State.DONE).count() == 2

    found = {
        "database file": leaks_in(database_bytes(skip_tables=("auth_user",)), marker),
        "message store": leaks_in(store_bytes(), marker),
        "logs": leaks_in(caplog.text, marker),
        "job errors": leaks_in(" ".join(Job.objects.values_list("last_error", flat=True)), marker),
    }
    for url, content in triage_pages(client).items():
        found[url] = leaks_in(content, marker)
    assert {where: what for where, what in found.items() if what} == {}
