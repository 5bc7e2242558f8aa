"""Two SMTP receivers and two workers at once against one database (SQLite and PostgreSQL).

Half the mail is sent to both receivers (a sending server failing over between MX hosts sends
the same bytes twice). Every message must be stored once, parsed once into one report, and the
two workers must share the parsing without ever running a job twice.
"""

from __future__ import annotations

import signal

import pytest

from tapecut.devtools.installation import DEADLINE, Installation, wait_for
from tapecut.faults.flood import Flood

pytestmark = pytest.mark.slow

PARSE = "intake.parse"
CLIENTS = 4
PER_CLIENT = 15


def test_two_receivers_and_two_workers_store_and_parse_everything_once(
    any_install: Installation,
) -> None:
    inst = any_install
    workers = {name: inst.worker(name, [PARSE], wait=False) for name in ("worker-1", "worker-2")}
    ports = [inst.smtpd(name, wait=False) for name in ("smtpd-a", "smtpd-b")]
    for name, port in zip(("smtpd-a", "smtpd-b"), ports, strict=True):
        inst.wait_smtpd(name, port)
    ids = {inst.wait_worker(name) for name in workers}

    twice = Flood(ports, "twice", CLIENTS, per_client=PER_CLIENT, every_port=True).start()
    split = Flood(ports, "split", CLIENTS, per_client=PER_CLIENT).start()
    twice.join()
    split.join()
    total = 2 * CLIENTS * PER_CLIENT
    wait_for(lambda: _parsed(inst) == total, DEADLINE, f"{total} messages parsed")
    for proc in workers.values():
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(DEADLINE) == 0

    # Stored once: every message acknowledged (twice for the "twice" flood), none duplicated.
    acked = twice.acknowledged() | split.acknowledged()
    assert len(acked) == total
    assert twice.codes() == {250: 2 * CLIENTS * PER_CLIENT}
    stored = inst.stored_markers()
    assert set(stored) == acked
    assert set(stored.values()) == {1}
    # Parsed once: one report per message, one parse job each, shared by both workers.
    assert inst.count("SELECT COUNT(*) FROM intake_report") == total
    assert inst.count("SELECT COUNT(DISTINCT inbound_id) FROM intake_report") == total
    jobs = inst.rows(f"SELECT state, claimed_by, last_error FROM core_job WHERE kind = '{PARSE}'")
    assert len(jobs) == total
    assert {(state, error) for state, _by, error in jobs} == {("done", "")}
    assert {by for _state, by, _error in jobs} == ids


def _parsed(inst: Installation) -> int:
    return inst.count("SELECT COUNT(*) FROM intake_inboundmessage WHERE state = 'parsed'")
