"""A small process supervisor for ``tapecut run``: start children, restart the ones that die,
stop them all on SIGTERM or Ctrl-C.

Each child runs in its own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops the children in an orderly way. On Linux a child is also told to
stop when the supervisor itself dies without cleaning up (killed with SIGKILL).
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from tapecut.core.orphans import die_with_parent

log = logging.getLogger(__name__)

TICK_SECONDS = 0.5
# A child that ran this long was healthy: its next crash restarts it at once again.
HEALTHY_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 30.0


def spawn(argv: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[Any]:
    """Start a child in its own process group that dies with this process."""
    return subprocess.Popen(  # noqa: S603 - argv is built by Tapecut, never from user input
        list(argv),
        env=env,
        process_group=0,
        preexec_fn=functools.partial(die_with_parent, os.getpid(), signal.SIGTERM),
    )


def tapecut_argv(*args: str) -> list[str]:
    """A ``tapecut`` management command run by the same Python as this process."""
    return [sys.executable, "-m", "tapecut", *args]


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]


@dataclass
class Child:
    spec: ProcessSpec
    proc: subprocess.Popen[Any] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 1.0
    next_start: float = 0.0


@dataclass
class Supervisor:
    specs: list[ProcessSpec]
    # Called on every tick (the scheduler); returns the processes it has running.
    on_tick: Callable[[], list[subprocess.Popen[Any]]] = list
    # Called once, when every (host, port) in ready_ports accepts connections.
    on_ready: Callable[[], None] = lambda: None
    ready_ports: list[tuple[str, int]] = field(default_factory=list)
    launch: Callable[[Sequence[str]], subprocess.Popen[Any]] = spawn
    clock: Callable[[], float] = time.monotonic
    children: list[Child] = field(default_factory=list)
    # What on_tick returned last: stopped together with the children.
    extra: list[subprocess.Popen[Any]] = field(default_factory=list)
    stopping: bool = False
    ready: bool = False

    def start(self) -> None:
        self.children = [Child(spec) for spec in self.specs]
        for child in self.children:
            self._start(child)

    def _start(self, child: Child) -> None:
        child.proc = self.launch(child.spec.argv)
        child.started_at = self.clock()
        log.info("started %s (pid %s)", child.spec.name, child.proc.pid)

    def tick(self) -> None:
        now = self.clock()
        for child in self.children:
            self._watch(child, now)
        self.extra = self.on_tick()
        if not self.ready and all(port_open(h, p) for h, p in self.ready_ports):
            self.ready = True
            self.on_ready()

    def _watch(self, child: Child, now: float) -> None:
        if child.proc is not None:
            code = child.proc.poll()
            if code is None:
                return
            ran = now - child.started_at
            if ran >= HEALTHY_SECONDS:
                child.backoff = 1.0
            else:
                child.backoff = min(child.backoff * 2, MAX_BACKOFF_SECONDS)
            child.next_start = now + child.backoff
            child.proc = None
            log.warning(
                "%s exited with status %s after %.0f s; restarting in %.0f s",
                child.spec.name,
                code,
                ran,
                child.backoff,
            )
        if now >= child.next_start:
            child.restarts += 1
            self._start(child)

    def request_stop(self, signum: int, frame: FrameType | None = None) -> None:
        self.stopping = True

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to every child, SIGKILL to those still there after ``timeout`` seconds."""
        procs = [c.proc for c in self.children if c.proc is not None]
        procs += self.extra
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = self.clock() + timeout
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - self.clock()))
            except subprocess.TimeoutExpired:
                log.warning("pid %s did not stop in %.0f s; killing it", proc.pid, timeout)
                proc.kill()
                proc.wait()

    def serve(self) -> None:
        """Run until SIGTERM or SIGINT, then stop every child."""
        previous = {
            sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.start()
            while not self.stopping:
                self.tick()
                time.sleep(TICK_SECONDS)
        finally:
            log.info("stopping %d processes", len(self.children))
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log.info("stopped; pid %s exits", os.getpid())
