"""The process supervisor behind ``tapecut run``, with real (tiny) child processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from tapecut.core.supervisor import ProcessSpec, Supervisor, spawn

SLEEP = (sys.executable, "-c", "import time; time.sleep(60)")
FAIL = (sys.executable, "-c", "raise SystemExit(3)")
# Ignores SIGTERM once it has said so.
STUBBORN = (
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    " print('ready', flush=True); time.sleep(60)",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_child_that_dies_is_started_again_after_a_pause():
    clock = Clock()
    sup = Supervisor([ProcessSpec("failing", FAIL)], clock=clock)
    sup.start()
    child = sup.children[0]
    first = child.proc
    assert first is not None
    first.wait(timeout=300)
    sup.tick()
    assert child.proc is None  # waiting out the pause
    assert child.next_start == clock.now + 2.0
    clock.now += 2.0
    sup.tick()
    assert child.proc is not None and child.proc is not first
    assert child.restarts == 1
    sup.stop(timeout=10)


def test_stop_terminates_children_and_kills_those_that_ignore_sigterm():
    stubborn: list[subprocess.Popen[Any]] = []

    def launch(argv: Sequence[str]) -> subprocess.Popen[Any]:
        if tuple(argv) != STUBBORN:
            return spawn(argv)
        proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        stubborn.append(proc)
        return proc

    sup = Supervisor([ProcessSpec("sleepy", SLEEP), ProcessSpec("stubborn", STUBBORN)])
    sup.launch = launch
    sup.start()
    sup.stop(timeout=1.0)
    codes = [c.proc.returncode for c in sup.children if c.proc is not None]
    assert codes == [-signal.SIGTERM, -signal.SIGKILL]
    assert stubborn[0].stdout is not None
    stubborn[0].stdout.close()


def test_on_ready_runs_once_when_the_ports_answer():
    calls = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        sup = Supervisor([], on_ready=lambda: calls.append(1), ready_ports=[("127.0.0.1", port)])
        sup.start()
        sup.tick()
        assert calls == []  # bound but not listening yet
        server.listen()
        sup.tick()
        sup.tick()
    assert calls == [1]


def test_children_get_their_own_process_group_so_ctrl_c_reaches_only_the_supervisor():
    proc = spawn(SLEEP)
    try:
        assert os.getpgid(proc.pid) == proc.pid != os.getpgid(0)
    finally:
        proc.terminate()
        proc.wait(timeout=300)


def test_processes_started_by_the_scheduler_are_stopped_too():
    proc = spawn(SLEEP)
    sup = Supervisor([], on_tick=lambda: [proc])
    sup.start()
    sup.tick()
    sup.stop(timeout=10)
    assert proc.returncode == -signal.SIGTERM


@pytest.mark.parametrize("ran, expected", [(5.0, 4.0), (120.0, 1.0)])
def test_the_pause_grows_for_crash_loops_and_resets_after_a_healthy_run(ran, expected):
    clock = Clock()
    sup = Supervisor([ProcessSpec("failing", FAIL)], clock=clock)
    sup.start()
    child = sup.children[0]
    child.backoff = 2.0
    assert child.proc is not None
    child.proc.wait(timeout=300)
    clock.now += ran
    sup.tick()
    assert child.backoff == expected
    sup.stop(timeout=10)
