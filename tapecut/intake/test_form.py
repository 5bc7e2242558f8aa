"""The web form at /report/: every mode, raw first, and the defences against spam."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tapecut.core.models import AuditEvent
from tapecut.custody import receipts
from tapecut.custody.testing import make_user
from tapecut.intake.form import issue_token
from tapecut.intake.models import Attachment, InboundMessage, Mode, Report
from tapecut.intake.parsing import parse_message
from tapecut.intake.storing import raw_bytes

URL = "/report/"


def post(client, **fields):
    data = {
        "subject": "Travel expense form",
        "text": "The travel expense form must be printed, signed and scanned again.",
        "mode": Mode.ANONYMOUS,
        "website": "",
        "token": issue_token(time.time() - 10),
        **fields,
    }
    return client.post(URL, data)


@pytest.mark.django_db
def test_form_page_renders_for_everyone_with_only_anonymous_when_logged_out(client):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="anonymous"' in html
    assert 'value="named"' not in html
    assert 'name="website"' in html and 'class="hp"' in html
    # A content security policy without inline script must be possible.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " on" + "submit=" not in html and "javascript:" not in html
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_anonymous_submission_is_stored_raw_first_and_shows_a_receipt(client):
    page = post(client)
    assert page.status_code == 200
    receipt = page.context["submission"].receipt
    assert receipt and receipt in page.content.decode()
    report = Report.objects.get()
    assert report.channel == "form" and report.mode == Mode.ANONYMOUS
    assert receipts.find_report(receipt) == report
    inbound = InboundMessage.objects.get()
    assert inbound.encrypted and inbound.channel == "form"
    parsed = parse_message(raw_bytes(inbound))  # a real RFC 5322 message
    assert parsed.subject == "Travel expense form"
    assert report.reporter is None
    assert AuditEvent.objects.filter(verb="report.submit", actor__isnull=True).exists()


@pytest.mark.django_db
def test_named_and_pseudonymous_need_a_login(client):
    page = post(client, mode=Mode.NAMED)
    assert page.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_logged_in_named_submission_names_the_user(client):
    user = make_user("erika", email="erika@corp.example", first_name="Erika", last_name="Muster")
    client.force_login(user)
    page = post(client, mode=Mode.NAMED)
    assert page.status_code == 200
    report = Report.objects.get()
    assert report.reporter is not None
    assert report.reporter.address == "erika@corp.example"
    assert report.reporter.display_name == "Erika Muster"
    assert page.context["submission"].receipt == ""
    assert AuditEvent.objects.get(verb="report.submit").actor == user


@pytest.mark.django_db
def test_logged_in_pseudonymous_submission_gets_a_stable_alias_and_no_audit_link(client):
    user = make_user("erika", email="erika@corp.example", first_name="Erika", last_name="Muster")
    client.force_login(user)
    post(client, mode=Mode.PSEUDONYMOUS, text="First: Erika Muster has to print it.")
    post(client, mode=Mode.PSEUDONYMOUS, subject="Second")
    first, second = Report.objects.order_by("id")
    assert first.reporter_id == second.reporter_id
    assert first.reporter is not None
    assert first.reporter.public_name.startswith("Reporter ")
    assert "Erika" not in first.text and "Muster" not in first.text
    assert first.reporter.address == ""
    # The audit trail must not say which user sent a protected report.
    assert not AuditEvent.objects.filter(verb="report.submit", actor=user).exists()


@pytest.mark.django_db
def test_attachments_travel_with_the_report(client):
    upload = SimpleUploadedFile("stamp.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    page = post(client, attachments=[upload])
    assert page.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.filename == "stamp.png"
    assert attachment.encrypted


@pytest.mark.django_db
def test_honeypot_rejects_and_keeps_the_text(client):
    page = post(client, website="http://spam.example", text="Keep me please, I typed a lot.")
    assert page.status_code == 400
    assert "Keep me please" in page.content.decode()
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_too_fast_is_refused_then_accepted_with_the_same_token(client, settings):
    settings.TAPECUT_FORM_MIN_SECONDS = 600  # far beyond any pause a busy machine makes
    token = issue_token(time.time())
    page = post(client, token=token)
    assert page.status_code == 400
    assert not Report.objects.exists()
    assert page.context["form"].data["token"] == token
    page = post(client, token=issue_token(time.time() - 601))
    assert page.status_code == 200


@pytest.mark.django_db
def test_forged_or_expired_token_is_refused(client, settings):
    assert post(client, token="forged:token").status_code == 400
    settings.TAPECUT_FORM_TOKEN_SECONDS = 60
    assert post(client, token=issue_token(time.time() - 120)).status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_token_is_accepted_once(client):
    token = issue_token(time.time() - 10)
    assert post(client, token=token).status_code == 200
    assert post(client, token=token).status_code == 400
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_rate_limit_per_client_address(client, settings):
    settings.TAPECUT_FORM_SUBMISSIONS_PER_IP = 2
    assert post(client).status_code == 200
    assert post(client).status_code == 200
    page = post(client, text="Third one, should be kept in the form.")
    assert page.status_code == 429
    assert "Third one" in page.content.decode()
    assert Report.objects.count() == 2
    other = client.post(URL, {}, REMOTE_ADDR="192.0.2.200")
    assert other.status_code == 400  # judged on its own merits, not throttled
