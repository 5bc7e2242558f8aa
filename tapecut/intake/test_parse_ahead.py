"""The import's parsing helper ends with the import, however the import ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tapecut.intake import parse_ahead

# An import stand-in: starts a helper, has it parse one message, says the helper's pid, waits.
SCRIPT = """
import multiprocessing, sys, time
from tapecut.intake.parse_ahead import ParseAhead
ahead = ParseAhead(1)
reads = ahead.reads(ahead.submit([b"Subject: forms\\n\\nThe form asks twice.\\n"]))
assert len(reads) == 1 and isinstance(reads[0], tuple)
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""
DEADLINE = 120.0  # seconds; a busy machine makes this slower, not red


def gone(pid: int) -> bool:
    """Ended (a zombie nobody reaps counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def test_the_helper_ends_when_the_import_is_killed() -> None:
    # Linux, as everywhere Tapecut runs: the kernel's parent-death signal ends the helper.
    root = Path(parse_ahead.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert proc.stdout is not None
        helpers = [int(pid) for pid in proc.stdout.readline().split()]
        assert len(helpers) == 1 and not gone(helpers[0])
    finally:
        proc.kill()
        proc.wait(DEADLINE)
    deadline = time.monotonic() + DEADLINE
    while not gone(helpers[0]):
        assert time.monotonic() < deadline, "the helper outlived the import"
        time.sleep(0.05)


def test_one_core_means_no_helper(monkeypatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert parse_ahead.default_helpers() == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert parse_ahead.default_helpers() == 1
    with parse_ahead.ParseAhead(0) as ahead:
        assert not ahead.helping
        assert ahead.reads(ahead.submit([b""]))[0].__class__.__name__ == "MessageRejected"
