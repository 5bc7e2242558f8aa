"""A reply that threads onto a protected report is protected on arrival, whatever its address.

The reporter of an anonymous report answers from their ordinary mail program to the named
address, or their server delivers the same message twice. Neither may leave their address in
plain text in the database file, its WAL or any log line, not even masked.
"""

from __future__ import annotations

import logging
import smtplib

import pytest

from tapecut.custody.testing import Marker, database_bytes, leaks_in, marker_mail, run_jobs
from tapecut.intake.addresses import mask
from tapecut.intake.models import InboundMessage, Mode
from tapecut.intake.parsing import parse_message
from tapecut.intake.smtp_server import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"


def _send(port: int, raw: bytes, sender: str, to: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.sendmail(sender, [to], raw)


def test_a_reply_to_the_named_address_is_stored_encrypted_and_logged_without_sender(caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    first = marker_mail(to=ANON, marker=marker)
    reply = marker_mail(
        to=MAIN,
        subject="Re: Form 27b",
        marker=marker,
        in_reply_to=parse_message(first).message_id,
    )
    server = ServerThread()
    server.start()
    try:
        _send(server.port, first, marker.address, ANON)
        run_jobs()
        for _ in range(2):  # the reply, and the same bytes again
            _send(server.port, reply, marker.address, MAIN)
    finally:
        server.stop()
    stored = InboundMessage.objects.order_by("pk").last()
    assert stored is not None and InboundMessage.objects.count() == 2
    # Protected before the parser saw it: encrypted, in the report's mode, no plain sender.
    assert stored.encrypted and stored.mode == Mode.ANONYMOUS and stored.envelope_from == ""
    assert leaks_in(bytes(stored.raw_inline or b""), marker) == []
    run_jobs()
    stored.refresh_from_db()
    assert stored.outcome == InboundMessage.Outcome.REPLY
    assert leaks_in(database_bytes(skip_tables=("auth_user",)), marker) == []
    assert "arrived again" in caplog.text
    assert leaks_in(caplog.text, marker) == []
    assert mask(marker.address) not in caplog.text
