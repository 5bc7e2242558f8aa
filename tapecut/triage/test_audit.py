"""The audit page: admins read every status change, merge, correction, reveal and login."""

from __future__ import annotations

import pytest

from tapecut.core import audit, jobs
from tapecut.triage import actions, notices
from tapecut.triage.factories import make_report
from tapecut.triage.models import Notice

pytestmark = pytest.mark.django_db


def test_admins_read_and_filter_the_trail(personas, client_as):  # type: ignore[no-untyped-def]
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    actions.do_change_status(change, "approved", actor=personas.triager)
    audit.record("identity.reveal", change, actor=personas.custodian, reason="court order")
    client = client_as("admin")
    page = client.get("/audit/").content.decode()
    assert "change.status" in page and "identity.reveal" in page and "carl" in page
    only = client.get("/audit/?verb=change.status").content.decode()
    assert "identity.reveal" not in only and "change.status" in only
    assert client_as("triager").get("/audit/").status_code == 403


def test_notices_left_in_doubt_are_resent_only_by_an_admin(personas, client_as):  # type: ignore[no-untyped-def]
    report = make_report(sender="nina@corp.example")
    notice = Notice.objects.create(
        kind="ack", report=report, reporter=report.reporter, channel="email", state="sending"
    )
    client = client_as("admin")
    assert "Notices in doubt" in client.get("/audit/").content.decode()
    client.post(f"/audit/notices/{notice.pk}/resend/")
    assert Notice.objects.get(pk=notice.pk).state == "pending"
    jobs.run_pending(kinds=[notices.SEND_JOB])
    assert Notice.objects.get(pk=notice.pk).state == "sent"
    # A sent notice is never sent again by hand.
    page = client.post(f"/audit/notices/{notice.pk}/resend/", follow=True).content.decode()
    assert "Only notices in doubt or failed" in page
