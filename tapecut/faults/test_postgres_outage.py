"""PostgreSQL stops in the middle of an SMTP flood, then comes back.

While it is down the receiver answers ``451`` (the sending servers keep the mail and retry); once
it is up again the same receiver process stores mail again by itself, and every message that was
ever answered ``250`` is in the database exactly once.
"""

from __future__ import annotations

import time

import pytest

from tapecut.devtools.installation import Installation, wait_for
from tapecut.devtools.postgres import ThrowawayPostgres
from tapecut.faults.flood import Flood

pytestmark = pytest.mark.slow


def test_smtpd_answers_451_while_postgres_is_down_and_recovers_by_itself(
    pg_install: Installation, postgres: ThrowawayPostgres
) -> None:
    port = pg_install.smtpd("smtpd")
    flood = Flood([port], clients=4).start()
    down = False
    try:
        wait_for(lambda: len(flood.acknowledged()) >= 20, 60, "20 messages stored")
        postgres.stop("fast")  # returns once the server is down
        down, down_at = True, time.monotonic()
        wait_for(lambda: flood.codes(since=down_at)[451] >= 4, 30, "451 answers")
        time.sleep(0.5)  # a little more flood against a dead database
        up_at = time.monotonic()
        postgres.start()
        down = False
        wait_for(lambda: _fresh_acks(flood, up_at) >= 20, 60, "new mail stored after the restart")
    finally:
        flood.stop()
        if down:  # the server is shared by the other tests of this process
            postgres.start()

    # While down: temporary failures only, never 250, never a permanent refusal. (The margin
    # leaves out a reply to a commit made just before the stop, still on its way to the client.)
    during = flood.codes(since=down_at + 0.2, until=up_at)
    assert during[451] >= 1
    assert during[250] == 0
    assert not [code for code in flood.codes() if code >= 500]
    # Every acknowledged message is stored exactly once; nothing is stored twice.
    stored = pg_install.stored_markers()
    acked = flood.acknowledged()
    assert acked <= set(stored)
    assert set(stored.values()) == {1}
    assert set(stored) <= flood.sent()


def _fresh_acks(flood: Flood, since: float) -> int:
    """Messages first tried after ``since`` that were answered 250."""
    return len({r.marker for r in flood.snapshot() if r.first_try_at >= since and r.code == 250})
