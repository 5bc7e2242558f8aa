"""A worker is killed with SIGKILL in the middle of a job; another one takes the job over.

The job is the worst kind to lose in the middle: sending a reporter's acknowledgement. The first
worker has handed the mail to the (file) mail backend but is killed before it records that, so
its claim on the job is left behind. A second worker takes the job once the lease ends, and no
reporter gets a second mail: the notice row was claimed before sending, so the retried job
finds it taken and sends nothing (Tapecut sends notices at most once; tapecut.triage.delivery).
"""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from tapecut.devtools.installation import DEADLINE, Installation, wait_for
from tapecut.faults.child import reporter
from tapecut.faults.slowmail import outbox_recipients

pytestmark = pytest.mark.slow

REPORTS = 6
KINDS = ["intake.parse", "triage.send_notice"]
LEASE = "3"


def test_a_job_killed_mid_send_is_taken_over_and_no_mail_goes_out_twice(
    sqlite_install: Installation,
) -> None:
    inst = sqlite_install
    marks = inst.var_dir / "marks"
    inst.extra.update(
        TAPECUT_ACKNOWLEDGE="true",
        TAPECUT_JOB_LEASE_SECONDS=LEASE,
        EMAIL_BACKEND="tapecut.faults.slowmail.StallingFileBackend",
        EMAIL_FILE_PATH=str(inst.var_dir / "outbox"),
        FAULTS_MAIL_MARKS=str(marks),
    )
    # Stores the reports, then runs as `tapecut worker --kinds …` (tapecut.faults.child).
    first = inst.start(
        "worker-1", ["tapecut.faults.child", "seed", str(REPORTS), *KINDS], FAULTS_MAIL_STALL_AT="2"
    )
    wait_for(lambda: marks.is_dir() and len(list(marks.iterdir())) == 2, DEADLINE, "the 2nd mail")
    first.send_signal(signal.SIGKILL)
    first.wait()
    first_id = inst.worker_id("worker-1")
    orphaned = inst.rows(
        "SELECT id, kind FROM core_job WHERE state = 'pending' "
        f"AND claimed_by = '{first_id}' AND claimed_until IS NOT NULL"
    )
    assert [kind for _id, kind in orphaned] == ["triage.send_notice"]

    second = inst.worker("worker-2", KINDS)
    wait_for(lambda: _pending(inst) == 0, DEADLINE, "the second worker to finish every job")
    second.send_signal(signal.SIGTERM)
    assert second.wait(DEADLINE) == 0

    # The second worker took the orphaned job over and finished it.
    [(state, claimed_by)] = inst.rows(
        f"SELECT state, claimed_by FROM core_job WHERE id = {orphaned[0][0]}"
    )
    assert (state, claimed_by) == ("done", inst.worker_id("worker-2"))
    # Every report parsed once, every reporter acknowledged exactly once.
    assert inst.count("SELECT COUNT(*) FROM intake_report") == REPORTS
    assert inst.count("SELECT COUNT(*) FROM intake_inboundmessage WHERE state = 'parsed'") == (
        REPORTS
    )
    assert Counter(outbox_recipients(inst.var_dir / "outbox")) == Counter(
        reporter(n) for n in range(REPORTS)
    )
    # The notice whose sending was cut off stays "sending" (an admin sees it), not sent again.
    states = Counter(state for (state,) in inst.rows("SELECT state FROM triage_notice"))
    assert states == {"sent": REPORTS - 1, "sending": 1}


def _pending(inst: Installation) -> int:
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    return inst.count(
        f"SELECT COUNT(*) FROM core_job WHERE state = 'pending' AND kind IN ({kinds})"
    )
