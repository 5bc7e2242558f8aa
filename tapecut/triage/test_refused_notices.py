"""A refused notice keeps no address: not in the notice's error, the job or a log line."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from tapecut.core import jobs
from tapecut.core.models import Job
from tapecut.custody.testing import Marker, leaks_in, refusing_smtp
from tapecut.intake.models import Mode
from tapecut.triage import actions, notices
from tapecut.triage.factories import make_report
from tapecut.triage.models import Notice


@pytest.mark.django_db(transaction=True)
def test_refused_notice_leaves_no_address_in_notice_job_or_log(personas, caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    report = make_report("Travel", sender=marker.address, name=marker.name, mode=Mode.PSEUDONYMOUS)
    change = actions.do_create_change(title="One form", actor=personas.triager, reports=[report])
    actions.do_change_status(change, "approved", actor=personas.triager)
    actions.do_change_status(change, "done", actor=personas.triager)
    with refusing_smtp() as smtp, override_settings(**smtp):
        jobs.run_pending(kinds=[notices.PLAN_JOB, notices.SEND_JOB])
    notice = Notice.objects.get(report=report, kind="outcome", step="done")
    assert notice.state == Notice.State.PENDING and "SMTPRecipientsRefused" in notice.error
    assert leaks_in(notice.error, marker) == []
    errors = " ".join(Job.objects.values_list("last_error", flat=True))
    assert "SMTPRecipientsRefused" in errors and leaks_in(errors, marker) == []
    assert leaks_in(caplog.text, marker) == []


@pytest.mark.django_db(transaction=True)
def test_refused_relay_to_an_anonymous_reporter_is_logged_scrubbed(personas, caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    report = make_report("Travel", sender=marker.address, name=marker.name, mode=Mode.ANONYMOUS)
    change = actions.do_create_change(title="One form", actor=personas.triager, reports=[report])
    actions.do_change_status(change, "approved", actor=personas.triager)
    actions.do_change_status(change, "done", actor=personas.triager)
    with refusing_smtp() as smtp, override_settings(TAPECUT_NOTICE_RELAY=True, **smtp):
        jobs.run_pending(kinds=[notices.PLAN_JOB, notices.SEND_JOB])
    assert "relay of notice" in caplog.text
    assert leaks_in(caplog.text, marker) == []
