"""PostgreSQL stops in the middle of an SMTP flood, then comes back.

While it is down the receiver answers ``451`` (the sending servers keep the mail and retry); once
it is up again the same receiver process stores mail again by itself, and every message that was
ever answered ``250`` is in the database exactly once.

The test waits on what it sees (the stop returned, so many answers came), each with a generous
deadline, never on a window of wall-clock time: on a busy machine it only takes longer.
"""

from __future__ import annotations

import time

import pytest

from tapecut.devtools.installation import DEADLINE, Installation, wait_for
from tapecut.devtools.postgres import ThrowawayPostgres
from tapecut.faults.flood import Flood

pytestmark = pytest.mark.slow

STORED_BEFORE = 20
REFUSED_WHILE_DOWN = 8
STORED_AFTER = 20


def test_smtpd_answers_451_while_postgres_is_down_and_recovers_by_itself(
    pg_install: Installation, postgres: ThrowawayPostgres
) -> None:
    port = pg_install.smtpd("smtpd")
    flood = Flood([port], clients=4).start()
    down = False
    try:
        wait_for(lambda: len(flood.acknowledged()) >= STORED_BEFORE, DEADLINE, "mail stored")
        postgres.stop("fast")  # returns once the server is down
        down, down_at = True, time.monotonic()
        # Keep the flood on the dead database until enough attempts, each begun after the
        # stop returned, have been answered.
        wait_for(
            lambda: flood.attempts(begun_after=down_at)[451] >= REFUSED_WHILE_DOWN,
            DEADLINE,
            "451 answers while the database is down",
        )
        up_at = time.monotonic()
        postgres.start()
        down = False
        wait_for(
            lambda: _fresh_acks(flood, up_at) >= STORED_AFTER,
            DEADLINE,
            "new mail stored after the restart",
        )
    finally:
        flood.stop()
        if down:  # the server is shared by the other tests of this process
            postgres.start()

    # An attempt begun after the stop returned and answered before the start was called met a
    # dead database from its first byte to its answer: temporary failures only (or a dropped
    # link), never 250. Attempts that straddle either edge are left out by those two events.
    during = flood.attempts(begun_after=down_at, answered_before=up_at)
    assert during[451] >= REFUSED_WHILE_DOWN
    assert during[250] == 0
    assert all(code == 0 or 400 <= code < 500 for code in during), during
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
