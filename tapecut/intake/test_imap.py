"""`tapecut poll` against a real Dovecot IMAP server started for each test.

Dovecot comes from ``scripts/install-test-deps.sh``; without it these tests fail with that hint
(tapecut.devtools.dovecot.DovecotMissing) rather than skip.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from imap_tools import MailBoxUnencrypted

from tapecut.custody.testing import run_jobs
from tapecut.devtools import dovecot
from tapecut.intake import imap
from tapecut.intake.models import InboundMessage, Mode, Report

MAIN = "bureaucracy@corp.example"
ANON = "anonymous@corp.example"


@pytest.fixture
def server(settings):
    started = dovecot.start()
    settings.TAPECUT_IMAP_HOST = "127.0.0.1"
    settings.TAPECUT_IMAP_PORT = started.port
    settings.TAPECUT_IMAP_USER = started.user
    settings.TAPECUT_IMAP_PASSWORD = started.password
    settings.TAPECUT_IMAP_OAUTH2_TOKEN = ""
    settings.TAPECUT_IMAP_SSL = False
    settings.TAPECUT_IMAP_STARTTLS = False
    settings.TAPECUT_IMAP_MOVE_TO = ""
    settings.TAPECUT_IMAP_MODE = ""
    settings.TAPECUT_IMAP_TIMEOUT_SECONDS = 10
    yield started
    started.stop()


def mail(to: str, subject: str, sender: str = "ines@corp.example") -> bytes:
    msg = EmailMessage(policy=policy.SMTP)  # CRLF, as IMAP servers keep it
    msg["From"] = f"Ines Example <{sender}>"
    msg["To"] = to
    msg["Cc"] = "colleague@corp.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg["Return-Path"] = f"<{sender}>"
    msg.set_content(f"{subject}: the form needs a wet signature and a fax.\n")
    return msg.as_bytes()


def append(server: dovecot.Dovecot, *messages: bytes) -> None:
    with MailBoxUnencrypted("127.0.0.1", server.port).login(server.user, server.password) as box:
        for raw in messages:
            box.append(raw, "INBOX")


def server_state(server: dovecot.Dovecot, folder: str = "INBOX") -> list[tuple[str, ...]]:
    with MailBoxUnencrypted("127.0.0.1", server.port).login(
        server.user, server.password, initial_folder=folder
    ) as box:
        return [tuple(sorted(m.flags)) for m in box.fetch(mark_seen=False, headers_only=True)]


@pytest.mark.slow
@pytest.mark.django_db
def test_poll_stores_raw_first_then_flags_and_each_mode_arrives(server):
    named, anonymous = mail(MAIN, "Named one"), mail(ANON, "Anonymous one")
    append(server, named, anonymous)
    result = imap.poll_once()
    assert (result.fetched, result.stored, result.duplicates) == (2, 2, 0)
    stored = {m.mode: m for m in InboundMessage.objects.all()}
    assert set(stored) == {Mode.NAMED, Mode.ANONYMOUS}
    assert stored[Mode.NAMED].stored_bytes() == named  # the exact bytes
    assert stored[Mode.ANONYMOUS].encrypted and stored[Mode.ANONYMOUS].envelope_from == ""
    assert stored[Mode.NAMED].envelope_to == [MAIN]  # the colleague in Cc is not kept
    assert stored[Mode.NAMED].envelope_extra["imap_folder"] == "INBOX"
    assert server_state(server) == [("\\Flagged", "\\Seen")] * 2
    assert imap.poll_once().fetched == 0  # nothing new
    run_jobs()
    assert {r.channel for r in Report.objects.all()} == {"imap"}
    assert sorted(Report.objects.values_list("mode", flat=True)) == ["anonymous", "named"]


@pytest.mark.slow
@pytest.mark.django_db
def test_a_crash_between_storing_and_marking_loses_nothing_and_stores_nothing_twice(
    server, monkeypatch
):
    append(server, mail(MAIN, "First"), mail(MAIN, "Second"))

    def crash(box, uids):
        raise ConnectionResetError("connection lost after the commit")

    monkeypatch.setattr(imap, "mark_done", crash)
    with pytest.raises(ConnectionResetError):
        imap.poll_once()
    assert InboundMessage.objects.count() == 2
    assert server_state(server) == [(), ()]  # still waiting on the server
    monkeypatch.undo()
    again = imap.poll_once()
    assert (again.fetched, again.stored, again.duplicates) == (2, 0, 2)
    assert InboundMessage.objects.count() == 2
    assert server_state(server) == [("\\Flagged", "\\Seen")] * 2


@pytest.mark.slow
@pytest.mark.django_db
def test_move_to_a_folder_and_pseudonymous_mailbox(server, settings):
    settings.TAPECUT_IMAP_MOVE_TO = "Tapecut-done"
    settings.TAPECUT_IMAP_MODE = Mode.PSEUDONYMOUS
    append(server, mail(MAIN, "Moved"))
    out = StringIO()
    call_command("poll", "--once", stdout=out)
    assert "stored=1" in out.getvalue()
    assert server_state(server) == []
    assert len(server_state(server, "Tapecut-done")) == 1
    assert InboundMessage.objects.get().mode == Mode.PSEUDONYMOUS


@pytest.mark.slow
@pytest.mark.django_db
def test_xoauth2_login(server, settings):
    settings.TAPECUT_IMAP_PASSWORD = ""
    settings.TAPECUT_IMAP_OAUTH2_TOKEN = server.password  # the test server takes it as a token
    append(server, mail(MAIN, "Via OAuth2"))
    assert imap.poll_once().stored == 1
    assert "method=XOAUTH2" in server.log_text


@pytest.mark.slow
@pytest.mark.django_db
def test_a_message_over_the_limit_stays_on_the_server(server, settings):
    settings.TAPECUT_MAX_MESSAGE_BYTES = 100
    append(server, mail(MAIN, "Too big for us"))
    result = imap.poll_once()
    assert (result.fetched, result.skipped, result.stored) == (1, 1, 0)
    assert server_state(server) == [()]


@pytest.mark.django_db
def test_missing_configuration_is_a_clear_error(settings):
    settings.TAPECUT_IMAP_HOST = ""
    with pytest.raises(CommandError, match="TAPECUT_IMAP_HOST"):
        call_command("poll", "--once")


def test_missing_dovecot_fails_with_a_hint(monkeypatch):
    monkeypatch.setattr(dovecot, "DOVECOT_PATHS", ())
    monkeypatch.setattr(dovecot.shutil, "which", lambda name: None)
    with pytest.raises(dovecot.DovecotMissing, match="install-test-deps"):
        dovecot.find_binary()
