"""Every view of a protected report shows the text as the made-safe original does: no phone.

An anonymous reporter wrote "Call me at +49 171 5559876"; the made-safe original said
"[phone removed]" while the report page and the API showed the number, and a threaded reply
showed "[redacted] +49 171 5551234". The stored text itself is now redacted on arrival.
"""

from __future__ import annotations

import pytest

from tapecut.accounts.actions import do_create_token
from tapecut.custody.testing import Marker, make_user, marker_mail, receive
from tapecut.intake.identity import PHONE_REMOVED
from tapecut.intake.models import FollowUp, Report
from tapecut.intake.parsing import parse_message

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"
PHONE = "+49 171 5559876"
REPLY_PHONE = "+49 171 5551234"

pytestmark = pytest.mark.django_db


def test_phone_numbers_never_reach_a_protected_reports_text(client):
    marker = Marker.unique()
    first = marker_mail(to=ANON, subject=f"Call {PHONE} about form 27b", marker=marker).replace(
        b"Every quarter", f"Call me at {PHONE}. Every quarter".encode()
    )
    _msg, outcome = receive(first, to=ANON, envelope_from=marker.address)
    reply = marker_mail(
        to=MAIN, subject="Re: form 27b", marker=marker, in_reply_to=parse_message(first).message_id
    ).replace(b"Every quarter", f"Or {marker.name} at {REPLY_PHONE}. Every quarter".encode())
    assert receive(reply, to=MAIN, envelope_from=marker.address)[1].outcome == "reply"

    report = Report.objects.get(pk=outcome.report_id)
    followup = FollowUp.objects.get(report=report)
    for text in (report.subject, report.text, followup.text):
        assert "5559876" not in text and "5551234" not in text
    assert PHONE_REMOVED in report.text and PHONE_REMOVED in followup.text

    _t, raw = do_create_token(make_user("tina", "triager"), scopes=["read"])
    client.force_login(make_user("tom", "triager"))
    for url in (f"/reports/{report.pk}/", f"/api/v1/reports/{report.pk}", "/api/v1/reports"):
        page = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert page.status_code == 200, url
        assert b"5559876" not in page.content and b"5551234" not in page.content, url
