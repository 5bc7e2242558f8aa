"""The SMTP receiver, spoken to by a real client over a real socket."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.test import override_settings

from tapecut.core.models import Job
from tapecut.core.storage import StoreFull
from tapecut.intake import storing
from tapecut.intake.models import InboundMessage, Mode
from tapecut.intake.smtp_server import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)

TO = "bureaucracy@corp.example"
SENDER = "erika.muster@example.org"


def message(body: str = "The form needs three signatures.", *, seq: int = 0) -> bytes:
    # CRLF line ends and a leading dot, so that "exact bytes" covers SMTP's dot-stuffing.
    return (
        f"From: Erika <{SENDER}>\r\nTo: {TO}\r\nSubject: Form A{seq}\r\n"
        f"Message-ID: <seq-{seq}@example.org>\r\n\r\n{body}\r\n.a line with a dot\r\n"
    ).encode()


@contextmanager
def running_server() -> Iterator[ServerThread]:
    server = ServerThread()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def client(server: ServerThread) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as smtp:
        smtp.ehlo()
        yield smtp


def send(smtp: smtplib.SMTP, raw: bytes, sender: str = SENDER, to: str = TO) -> tuple[int, bytes]:
    """One transaction step by step; the first refusal's reply, else DATA's."""
    for reply in (smtp.mail(sender), smtp.rcpt(to)):
        if reply[0] != 250:
            smtp.rset()
            return reply
    return smtp.data(raw)


@pytest.fixture
def server() -> Iterator[ServerThread]:
    with running_server() as running:
        yield running


def test_good_message_is_stored_exactly_then_acknowledged(server: ServerThread) -> None:
    raw = message()
    with client(server) as smtp:
        assert send(smtp, raw) == (250, b"2.0.0 OK")
    msg = InboundMessage.objects.get()
    assert storing.raw_bytes(msg) == raw
    assert (msg.channel, msg.mode, msg.envelope_from) == ("smtp", Mode.NAMED, SENDER)
    assert msg.envelope_to == [TO]
    job = Job.objects.get(kind=storing.PARSE_JOB)
    assert job.state == Job.State.PENDING
    assert job.payload == {"inbound_id": msg.pk}


def test_recipients_match_without_regard_to_case(server: ServerThread) -> None:
    with client(server) as smtp:
        assert send(smtp, message(), to="<BureauCRACY@Corp.Example>")[0] == 250
    assert InboundMessage.objects.get().envelope_to == [TO]


def test_unknown_recipient_gets_550(server: ServerThread) -> None:
    with client(server) as smtp:
        assert send(smtp, message(), to="someone@corp.example") == (
            550,
            b"5.1.1 Unknown recipient",
        )
        # Only the known recipient of several is kept.
        smtp.mail(SENDER)
        assert smtp.rcpt("nobody@corp.example")[0] == 550
        assert smtp.rcpt(TO)[0] == 250
        assert smtp.data(message(seq=2))[0] == 250
    assert InboundMessage.objects.get().envelope_to == [TO]


def test_a_bounce_with_the_null_sender_is_stored(server: ServerThread) -> None:
    with client(server) as smtp:
        assert smtp.mail("<>")[0] == 250
        assert smtp.rcpt(TO)[0] == 250
        assert smtp.data(message())[0] == 250
    assert InboundMessage.objects.get().envelope_from == ""


def test_anonymous_recipient_is_stored_encrypted(server: ServerThread) -> None:
    raw = message()
    with client(server) as smtp:
        assert send(smtp, raw, to="anonymous@corp.example")[0] == 250
    msg = InboundMessage.objects.get()
    assert (msg.mode, msg.encrypted, msg.envelope_from) == (Mode.ANONYMOUS, True, "")
    assert raw not in msg.stored_bytes()
    assert storing.raw_bytes(msg) == raw


@override_settings(TAPECUT_MAX_MESSAGE_BYTES=2000)
def test_too_big_gets_552_at_mail_from_and_after_data() -> None:
    with running_server() as server, client(server) as smtp:
        assert smtp.has_extn("size")
        assert smtp.esmtp_features["size"] == "2000"
        assert smtp.mail(SENDER, ["SIZE=5000"]) == (552, b"5.3.4 Message too big")
        smtp.rset()
        big = message("x" * 70 + "\r\n") * 40
        assert send(smtp, big) == (552, b"5.3.4 Message too big")
        # The session goes on: a small message still arrives.
        assert send(smtp, message())[0] == 250
    assert InboundMessage.objects.count() == 1


def test_database_error_gets_451_and_nothing_is_acknowledged(server: ServerThread) -> None:
    locked = OperationalError("database is locked")
    # The group's write and, after it fails, the message's write on its own.
    group = mock.patch.object(storing, "write_many", side_effect=locked)
    alone = mock.patch.object(storing, "do_store_inbound", side_effect=locked)
    with group, alone, client(server) as smtp:
        assert send(smtp, message()) == (451, b"4.3.0 Temporary failure, try again later")
    assert not InboundMessage.objects.exists()


def _read_only_store_threads(sender: Any, connection: Any, **kwargs: Any) -> None:
    if threading.current_thread().name.startswith("tapecut-smtp-store"):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")


def test_read_only_database_gets_451_then_recovers(server: ServerThread) -> None:
    connection_created.connect(_read_only_store_threads)
    try:
        with client(server) as smtp:
            assert send(smtp, message())[0] == 451
    finally:
        connection_created.disconnect(_read_only_store_threads)
    assert not InboundMessage.objects.exists()
    # The failed connection was dropped; the next message gets a fresh, writable one.
    with client(server) as smtp:
        assert send(smtp, message())[0] == 250
    assert InboundMessage.objects.count() == 1


@override_settings(TAPECUT_INLINE_RAW_MAX=1024)
def test_full_store_gets_452() -> None:
    full = mock.patch("tapecut.core.storage.put_blob", side_effect=StoreFull(28, "disk full"))
    with running_server() as server, full, client(server) as smtp:
        assert send(smtp, message("y" * 4000)) == (452, b"4.3.1 Insufficient storage")
    assert not InboundMessage.objects.exists()
    assert not Job.objects.exists()


@override_settings(TAPECUT_SMTP_SENDER_RATE=1, TAPECUT_SMTP_SENDER_BURST=2)
def test_a_fast_sender_is_slowed_down_and_others_are_not() -> None:
    with running_server() as server, client(server) as smtp:
        assert send(smtp, message(seq=1))[0] == 250
        assert send(smtp, message(seq=2))[0] == 250
        assert send(smtp, message(seq=3)) == (
            450,
            b"4.7.1 Too many messages from this sender, slow down",
        )
        assert send(smtp, message(seq=4), sender="someone.else@example.org")[0] == 250
    assert InboundMessage.objects.count() == 3


def test_same_bytes_twice_are_stored_once(server: ServerThread) -> None:
    raw = message()
    with client(server) as smtp:
        assert send(smtp, raw)[0] == 250
        assert send(smtp, raw)[0] == 250
    assert InboundMessage.objects.count() == 1
    assert Job.objects.filter(kind=storing.PARSE_JOB).count() == 1


def test_stopping_lets_a_store_in_progress_answer() -> None:
    real = storing.write_many
    entered = threading.Event()
    server = ServerThread()

    def slow(*args: Any, **kwargs: Any) -> Any:
        # Events, not a sleep: this store goes on only once the server has begun to stop.
        entered.set()
        wait_until(lambda: server.server.handler.closing, "the server to begin stopping")
        return real(*args, **kwargs)

    replies: list[tuple[int, bytes]] = []
    server.start()
    with mock.patch.object(storing, "write_many", side_effect=slow), client(server) as smtp:
        sending = threading.Thread(target=lambda: replies.append(send(smtp, message())))
        sending.start()
        assert entered.wait(60), "the store never began"
        server.stop()
        sending.join(60)
    assert replies == [(250, b"2.0.0 OK")]
    assert InboundMessage.objects.count() == 1
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", server.port, timeout=5)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def test_repeated_recipients_are_stored_once_and_the_greeting_names_no_software(
    server: ServerThread,
) -> None:
    with smtplib.SMTP(timeout=30) as smtp:
        code, greeting = smtp.connect("127.0.0.1", server.port)
        assert code == 220 and b"Python" not in greeting and b"aiosmtpd" not in greeting
        assert b"1.4" not in greeting
        smtp.ehlo()
        assert smtp.mail(SENDER)[0] == 250
        for _ in range(500):
            assert smtp.rcpt(TO.upper())[0] == 250
        assert smtp.data(message(seq=77))[0] == 250
    stored = InboundMessage.objects.get()
    assert stored.envelope_to == [TO]
