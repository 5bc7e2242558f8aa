"""Roles, revealing an identity (custodians only, with a reason, audited), and key rotation."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from tapecut.accounts.roles import ROLES, has_role
from tapecut.core import crypto
from tapecut.core.models import AuditEvent
from tapecut.custody.actions import do_reveal_identity
from tapecut.custody.testing import (
    MARKER_ADDRESS,
    MARKER_NAME,
    leaks_in,
    make_user,
    marker_mail,
    receive,
)
from tapecut.intake import identity
from tapecut.intake.models import Attachment, InboundMessage, Mode, Report
from tapecut.intake.storing import raw_bytes

ANON = "anonymous@corp.example"
REASON = "Court order 12/2026 requires the sender's identity"


@pytest.mark.django_db
def test_roles_exist_as_groups_and_superusers_have_them_all():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    triager = make_user("tina", "triager")
    assert has_role(triager, "triager") and not has_role(triager, "custodian")
    boss = make_user("root")
    boss.is_superuser = True
    assert all(has_role(boss, role) for role in ROLES)
    assert not has_role(AnonymousUser(), "reporter")
    with pytest.raises(ValueError, match="unknown role"):
        has_role(triager, "wizard")


@pytest.mark.django_db
def test_only_a_custodian_reveals_with_a_reason_and_it_is_audited():
    _msg, outcome = receive(marker_mail(to=ANON), to=ANON)
    report = Report.objects.get(pk=outcome.report_id)
    with pytest.raises(PermissionDenied):
        do_reveal_identity(report, actor=make_user("tina", "triager", "admin"), reason=REASON)
    custodian = make_user("carl", "custodian")
    with pytest.raises(ValueError, match="reason"):
        do_reveal_identity(report, actor=custodian, reason="because")
    found = do_reveal_identity(report, actor=custodian, reason=REASON)
    assert found == {
        "address": MARKER_ADDRESS,
        "name": MARKER_NAME,
        "envelope_from": MARKER_ADDRESS,
    }
    event = AuditEvent.objects.get(verb="identity.reveal")
    assert event.actor == custodian and event.detail["reason"] == REASON
    assert leaks_in(str(event.detail)) == []


@pytest.mark.django_db
def test_reveal_page_is_for_custodians_only(client):
    _msg, outcome = receive(marker_mail(to=ANON), to=ANON)
    url = f"/identity/reports/{outcome.report_id}/reveal/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("tina", "triager"))
    assert client.post(url, {"reason": REASON}).status_code == 403
    client.force_login(make_user("carl", "custodian"))
    page = client.get(url)
    assert page.status_code == 200 and MARKER_ADDRESS not in page.content.decode()
    short = client.post(url, {"reason": "x"})
    assert MARKER_ADDRESS not in short.content.decode()
    page = client.post(url, {"reason": REASON})
    assert MARKER_ADDRESS in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert AuditEvent.objects.filter(verb="identity.reveal").count() == 1


@pytest.mark.django_db
def test_reveal_command():
    _msg, outcome = receive(marker_mail(to=ANON), to=ANON)
    make_user("carl", "custodian")
    make_user("tina", "triager")
    out = StringIO()
    call_command("reveal", report=outcome.report_id, reason=REASON, custodian="carl", stdout=out)
    assert f"address: {MARKER_ADDRESS}" in out.getvalue()
    with pytest.raises(CommandError, match="custodian"):
        call_command("reveal", report=outcome.report_id, reason=REASON, custodian="tina")


@pytest.mark.django_db
def test_rotate_keys_reencrypts_everything_under_the_new_key(settings):
    old = crypto.generate_key()
    settings.TAPECUT_IDENTITY_KEYS = old
    receive(marker_mail(to=ANON, subject="Inline"), to=ANON)
    settings.TAPECUT_INLINE_RAW_MAX = 10  # the second one goes to the store
    receive(marker_mail(to=ANON, subject="Stored", attachment_name="scan.pdf"), to=ANON)
    assert sorted(m.raw_inline is None for m in InboundMessage.objects.all()) == [False, True]
    inbound = {m.pk: raw_bytes(m) for m in InboundMessage.objects.all()}
    new = crypto.generate_key()
    settings.TAPECUT_IDENTITY_KEYS = f"{new},{old}"
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    text = out.getvalue()
    assert "inbound messages: 2" in text
    assert "reporter identities: 2" in text
    assert "attachments: 1" in text
    # The old key is gone: everything must still open.
    settings.TAPECUT_IDENTITY_KEYS = new
    for msg in InboundMessage.objects.all():
        assert raw_bytes(msg) == inbound[msg.pk]
        assert crypto.decrypt_text(msg.envelope_extra["sender_ciphertext"]) == MARKER_ADDRESS
    for report in Report.objects.all():
        assert report.reporter is not None
        assert identity.reveal(report.reporter)["address"] == MARKER_ADDRESS
    from tapecut.core import storage

    attachment = Attachment.objects.get()
    assert crypto.decrypt(storage.get_blob(attachment.sha256)).startswith(b"%PDF")
    settings.TAPECUT_IDENTITY_KEYS = old
    with pytest.raises(InvalidToken):
        raw_bytes(InboundMessage.objects.all()[0])
    assert AuditEvent.objects.filter(verb="keys.rotate").exists()


def test_rotate_keys_can_generate_a_key():
    out = StringIO()
    call_command("rotate-keys", generate=True, stdout=out)
    key = out.getvalue().strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"ok")) == b"ok"


@pytest.mark.django_db
def test_sanitised_original_keeps_content_but_not_the_sender(client):
    raw = marker_mail(to=ANON, attachment_name="Quentin_Leakmarker_scan.pdf")
    msg, _outcome = receive(raw, to=ANON)
    client.force_login(make_user("tina", "triager"))
    page = client.get(f"/identity/messages/{msg.pk}/original.eml")
    assert page.status_code == 200
    assert page["Content-Type"] == "message/rfc822"
    body = page.content
    assert leaks_in(body) == [], body.decode(errors="replace")
    assert b"form 27b" in body and b"two hours" in body
    assert b"192.0.2.77" not in body and b"Received:" not in body
    assert b"scan.pdf" in body


@pytest.mark.django_db
def test_named_original_is_the_raw_message(client):
    raw = marker_mail(to="bureaucracy@corp.example")
    msg, _outcome = receive(raw, to="bureaucracy@corp.example", mode=Mode.NAMED)
    client.force_login(make_user("tina", "triager"))
    assert client.get(f"/identity/messages/{msg.pk}/original.eml").content == raw
    client.force_login(make_user("rita", "reporter"))
    assert client.get(f"/identity/messages/{msg.pk}/original.eml").status_code == 403


def test_start_up_checks(settings, monkeypatch):
    from tapecut.custody import checks

    monkeypatch.setattr("sys.argv", ["tapecut", "run"])  # a serving process

    settings.TAPECUT_IDENTITY_KEYS = ""
    settings.TAPECUT_IDENTITY_HMAC_KEY = ""
    ids = {p.id for p in checks.check_identity_keys(None)}
    assert ids == {"tapecut.E013", "tapecut.E014"}  # outside DEBUG: refused
    settings.DEBUG = True
    ids = {p.id for p in checks.check_identity_keys(None)}
    assert ids == {"tapecut.W010", "tapecut.W011"}
    settings.DEBUG = False
    settings.TAPECUT_IDENTITY_KEYS = "not-a-key"
    settings.TAPECUT_IDENTITY_HMAC_KEY = "a-separate-secret"
    assert {p.id for p in checks.check_identity_keys(None)} == {"tapecut.E010"}
    settings.TAPECUT_IDENTITY_KEYS = crypto.generate_key()
    assert checks.check_identity_keys(None) == []
    settings.TAPECUT_IMAP_MODE = "secret"
    settings.TAPECUT_AUTOREPLY_MODES = ["anonymous", "loud"]
    assert {p.id for p in checks.check_modes(None)} == {"tapecut.E011", "tapecut.E012"}
