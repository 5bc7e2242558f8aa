"""One sender floods the receiver over several connections while others send as usual.

The flooder is slowed down with ``450`` once its burst is spent; everybody else keeps getting
``250`` during that very time, and each message answered ``250`` is stored once.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tapecut.devtools import smtpenv
from tapecut.devtools.installation import DEADLINE, MARKER, wait_for
from tapecut.faults.flood import Flood
from tapecut.intake.models import InboundMessage
from tapecut.intake.smtp_server import ServerThread
from tapecut.intake.storing import raw_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RATE_PER_MINUTE = 60
BURST = 5


def test_a_flooding_sender_is_throttled_and_the_others_are_not(settings) -> None:
    settings.TAPECUT_RECIPIENTS = [smtpenv.RECIPIENT]
    settings.TAPECUT_SMTP_SENDER_RATE = RATE_PER_MINUTE
    settings.TAPECUT_SMTP_SENDER_BURST = BURST
    server = ServerThread()
    server.start()
    try:
        flooder = Flood([server.port], "flood", 3, sender=lambda i: "flood@faults.invalid")
        calm = Flood(
            [server.port],
            "calm",
            clients=4,
            per_client=BURST,  # a normal sender stays within its burst
            pause=0.2,
            sender=lambda i: f"calm{i}@faults.invalid",
        )
        for flood in (flooder, calm):
            flood.retry = False
        # Events, not timing: the calm senders start once the flooder is being refused, and the
        # flood goes on until it is refused again after the last calm answer.
        flooder.start()
        wait_for(lambda: flooder.codes()[450] >= 1, DEADLINE, "the flooder to be slowed down")
        calm.start()
        calm.join(DEADLINE)
        calm_done = max(r.at for r in calm.snapshot())
        wait_for(
            lambda: any(r.code == 450 and r.at > calm_done for r in flooder.snapshot()),
            DEADLINE,
            "a refusal after the calm senders were done",
        )
        flooder.stop()
    finally:
        server.stop()

    flood_codes = flooder.codes()
    assert set(flood_codes) == {250, 450}
    # The burst, plus one token a second for as long as the flood lasted.
    replies = flooder.snapshot()
    seconds = max(r.at for r in replies) - min(r.first_try_at for r in replies)
    assert flood_codes[250] <= BURST + int(seconds * RATE_PER_MINUTE / 60) + 1
    # Everybody else: 250 every time, also while the flooder was being refused.
    assert calm.codes() == {250: 4 * BURST}
    refused = [r.at for r in replies if r.code == 450]
    assert any(min(refused) <= r.at <= max(refused) for r in calm.snapshot())
    stored = Counter(
        m.decode() for msg in InboundMessage.objects.all() for m in MARKER.findall(raw_bytes(msg))
    )
    assert set(stored) == flooder.acknowledged() | calm.acknowledged()
    assert set(stored.values()) == {1}
