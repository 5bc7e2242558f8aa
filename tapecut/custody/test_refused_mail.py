"""A mail server that refuses a protected reporter's address must not put it in our records.

Mail servers repeat the refused address (``SMTPRecipientsRefused`` is a dict keyed by it, the
550 answer names it), and a traceback prints both. The automatic answer, a notice and its relay
all send through ``tapecut.core.scrub.scrubbed_errors``; jobs keep and log scrubbed text.
"""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from tapecut.core import jobs
from tapecut.core.models import Job
from tapecut.core.scrub import scrub
from tapecut.custody.testing import Marker, leaks_in, marker_mail, receive, refusing_smtp

ANON = "anonymous@corp.example"


def test_scrub_removes_addresses_and_known_parts():
    text = "{'zq9@leak.example': (550, b'5.1.1 <zq9@leak.example> unknown')} Rex at leak.example"
    out = scrub(text, "zq9", "leak.example", "Rex")
    assert "zq9" not in out and "leak.example" not in out and "Rex" not in out
    assert "550" in out


@pytest.mark.django_db(transaction=True)
def test_refused_automatic_answer_leaves_no_address_in_job_or_log(caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    with refusing_smtp() as smtp, override_settings(**smtp):
        receive(marker_mail(to=ANON, marker=marker), to=ANON, envelope_from=marker.address)
        assert jobs.run_pending() >= 1
    job = Job.objects.get(kind="accounts.autoreply")
    assert "SMTPRecipientsRefused" in job.last_error  # the failure is still explained
    assert job.state == Job.State.PENDING and job.attempts == 1  # and retried later
    assert leaks_in(job.last_error, marker) == []
    assert leaks_in(caplog.text, marker) == []
