"""What protected modes store: every column of every intake row, checked for the sender."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from tapecut.core import crypto
from tapecut.core.models import AuditEvent, Job
from tapecut.custody.testing import (
    MARKER_ADDRESS,
    MARKER_NAME,
    leaks_in,
    marker_mail,
    receive,
)
from tapecut.intake import identity
from tapecut.intake.models import (
    Attachment,
    FollowUp,
    InboundMessage,
    MessageRef,
    Mode,
    Report,
    Reporter,
)
from tapecut.intake.parsing import parse_message
from tapecut.intake.storing import raw_bytes

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"


def all_rows_text() -> str:
    """Every value of every intake row (and jobs and audit), as text."""
    parts: list[str] = []
    for model in (
        InboundMessage,
        Reporter,
        Report,
        FollowUp,
        MessageRef,
        Attachment,
        Job,
        AuditEvent,
    ):
        for row in model.objects.all().values():
            for value in row.values():
                if isinstance(value, bytes | memoryview):
                    parts.append(bytes(value).decode("latin-1"))
                else:
                    parts.append(json.dumps(value, default=str))
    return "\n".join(parts)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to", "mode", "expected"),
    [
        (ANON, None, Mode.ANONYMOUS),
        (MAIN, Mode.PSEUDONYMOUS, Mode.PSEUDONYMOUS),
    ],
)
def test_protected_mail_leaves_no_identity_in_any_column(to, mode, expected):
    raw = marker_mail(to=to, attachment_name="CV Quentin Leakmarker.pdf")
    msg, outcome = receive(raw, to=to, mode=mode)
    assert outcome.outcome == "report"
    report = Report.objects.get(pk=outcome.report_id)
    assert report.mode == expected
    assert msg.encrypted and raw_bytes(msg) == raw
    assert "form 27b" in report.text  # the content survives
    assert leaks_in(all_rows_text()) == []
    # The custodian's copy is intact.
    assert report.reporter is not None
    assert identity.reveal(report.reporter) == {"address": MARKER_ADDRESS, "name": MARKER_NAME}
    assert Attachment.objects.get().filename == "CV [redacted].pdf"


@pytest.mark.django_db
def test_named_mail_keeps_identity_in_plain_text():
    msg, outcome = receive(marker_mail(to=MAIN), to=MAIN, mode=Mode.NAMED)
    report = Report.objects.get(pk=outcome.report_id)
    assert not msg.encrypted
    assert report.reporter is not None
    assert report.reporter.address == MARKER_ADDRESS
    assert report.message_id.endswith("leakhost.example.org>")


@pytest.mark.django_db
def test_pseudonym_is_stable_across_reports():
    _m1, first = receive(marker_mail(to=MAIN, subject="One"), to=MAIN, mode=Mode.PSEUDONYMOUS)
    _m2, second = receive(marker_mail(to=MAIN, subject="Two"), to=MAIN, mode=Mode.PSEUDONYMOUS)
    one, two = Report.objects.get(pk=first.report_id), Report.objects.get(pk=second.report_id)
    assert one.reporter_id == two.reporter_id
    assert one.reporter is not None
    assert one.reporter.public_name.startswith("Reporter ")
    assert len(one.reporter.public_name) == len("Reporter 4F2K")


@pytest.mark.django_db
def test_anonymous_reports_are_not_linkable():
    _m1, first = receive(marker_mail(to=ANON, subject="One"), to=ANON)
    _m2, second = receive(marker_mail(to=ANON, subject="Two"), to=ANON)
    one, two = Report.objects.get(pk=first.report_id), Report.objects.get(pk=second.report_id)
    assert one.reporter_id != two.reporter_id
    assert one.reporter is not None and two.reporter is not None
    assert one.reporter.address_hmac == "" == two.reporter.address_hmac


@pytest.mark.django_db
def test_reply_threads_into_protected_report_by_hashed_message_id():
    raw = marker_mail(to=ANON)
    _msg, first = receive(raw, to=ANON)
    original_id = parse_message(raw).message_id
    reply = marker_mail(to=ANON, subject="Re: Form 27b needs three stamps", in_reply_to=original_id)
    _reply_msg, outcome = receive(reply, to=ANON)
    assert outcome.outcome == "reply"
    assert outcome.report_id == first.report_id
    followup = FollowUp.objects.get()
    assert followup.message_id.startswith(identity.HASHED_ID_PREFIX)
    assert leaks_in(all_rows_text()) == []


@pytest.mark.django_db
def test_named_reply_into_protected_thread_is_protected_too():
    raw = marker_mail(to=ANON)
    _msg, first = receive(raw, to=ANON)
    reply = marker_mail(to=MAIN, subject="Re: Form 27b", in_reply_to=parse_message(raw).message_id)
    reply_msg, outcome = receive(reply, to=MAIN, mode=Mode.NAMED)
    assert outcome.report_id == first.report_id
    reply_msg.refresh_from_db()
    assert reply_msg.encrypted and reply_msg.mode == Mode.ANONYMOUS
    assert reply_msg.envelope_from == ""
    assert raw_bytes(reply_msg) == reply
    assert leaks_in(all_rows_text()) == []


@pytest.mark.django_db
@override_settings(TAPECUT_INLINE_RAW_MAX=10)
def test_named_reply_stored_as_blob_is_reencrypted_and_plain_blob_removed(
    django_capture_on_commit_callbacks,
):
    from tapecut.core import storage

    raw = marker_mail(to=ANON)
    receive(raw, to=ANON)
    reply = marker_mail(to=MAIN, subject="Re: x", in_reply_to=parse_message(raw).message_id)
    plain_path = storage.blob_path(storage.sha256_hex(reply))
    with django_capture_on_commit_callbacks(execute=True):
        reply_msg, _outcome = receive(reply, to=MAIN, mode=Mode.NAMED)
    reply_msg.refresh_from_db()
    assert not plain_path.exists()
    assert MARKER_ADDRESS.encode() not in storage.get_blob(reply_msg.sha256)
    assert raw_bytes(reply_msg) == reply


def test_scrub_keeps_words_that_merely_contain_a_name():
    tokens = identity.identity_tokens("max.power@example.org", "Max Power")
    text = "Max wrote: the Maximum is reached; contact max.power@example.org or Max Power."
    out = identity.scrub_tokens(text, tokens)
    assert "Maximum" in out
    assert "max.power" not in out.lower()
    assert "Max Power" not in out


def test_message_ids_are_hashed_for_protected_modes_only():
    mid = "<abc@host.example>"
    assert identity.protect_message_id(mid, Mode.NAMED) == mid
    hashed = identity.protect_message_id(mid, Mode.ANONYMOUS)
    assert hashed.startswith("h:") and "host" not in hashed
    assert identity.protect_message_id(hashed, Mode.ANONYMOUS) == hashed
    assert set(identity.thread_keys([mid])) == {mid, hashed}


def test_keyed_hash_does_not_change_when_identity_keys_rotate(settings):
    settings.TAPECUT_IDENTITY_KEYS = crypto.generate_key()
    before = crypto.keyed_hash("someone@example.org")
    settings.TAPECUT_IDENTITY_KEYS = crypto.generate_key() + "," + settings.TAPECUT_IDENTITY_KEYS
    assert crypto.keyed_hash("someone@example.org") == before


def test_identity_keys_may_come_from_a_file(tmp_path, monkeypatch):
    from tapecut.envconf import env_str

    key_file = tmp_path / "keys"
    key_file.write_text(crypto.generate_key() + "\n" + crypto.generate_key() + "\n")
    monkeypatch.setenv("TAPECUT_IDENTITY_KEYS_FILE", str(key_file))
    with override_settings(TAPECUT_IDENTITY_KEYS=env_str("TAPECUT_IDENTITY_KEYS")):
        assert len(crypto.configured_keys()) == 2
        assert crypto.decrypt(crypto.encrypt(b"x")) == b"x"
