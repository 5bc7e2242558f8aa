"""A throwaway Tapecut installation for fault tests: a database, a var dir, child processes.

The processes under test are real ones (``tapecut smtpd``, ``tapecut worker``) started with an
environment of their own, so that a test can kill them, stop their database and start them again.
The test itself reads the outcome with plain SQL (``rows``): it never shares a connection, a
transaction or a setting with what it tests.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tapecut.devtools import smtpenv

SQLITE_NAME = "tapecut.sqlite3"
MARKER = re.compile(rb"^X-Bench-Seq: (\S+)\r?$", re.MULTILINE)
WORKER_STARTED = re.compile(r"worker (\S+) started")
# Seconds: the bound on anything a fault test waits for (a process to start, mail to be parsed).
# Generous, so that a busy machine only makes a test slower; only a hang gets near it.
DEADLINE = 300.0


def child_env(var_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of every child: this var dir and database, nothing from the caller's."""
    env = smtpenv.throwaway_env(
        var_dir,
        TAPECUT_ACKNOWLEDGE="false",
        TAPECUT_WORKER_POLL_SECONDS="0.1",
        TAPECUT_LOG_LEVEL="INFO",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tapecut", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed: {result.stderr.decode()[-3000:]}")


def migrated_sqlite(folder: Path) -> Path:
    """A migrated SQLite file to copy for each test (migrating takes seconds, copying none)."""
    folder.mkdir(parents=True, exist_ok=True)
    migrate(child_env(folder))
    return folder / SQLITE_NAME


@dataclass
class Installation:
    var_dir: Path
    database_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def sqlite(cls, var_dir: Path, template: Path, **extra: str) -> Installation:
        var_dir.mkdir(parents=True, exist_ok=True)
        # SQLite's backup, not a file copy: it also takes what is still in the template's WAL.
        source, target = sqlite3.connect(template), sqlite3.connect(var_dir / SQLITE_NAME)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return cls(var_dir, "", dict(extra))

    def env(self, **extra: str) -> dict[str, str]:
        return child_env(self.var_dir, self.database_url, **{**self.extra, **extra})

    # --- processes ------------------------------------------------------------------------

    def start(self, name: str, args: list[str], **extra: str) -> subprocess.Popen[bytes]:
        """Start ``python -m ARGS`` in the background, its output in ``log(name)``."""
        with self.log_path(name).open("ab") as log:
            proc = smtpenv.start(args, self.env(**extra), log)
        self.procs.append(proc)
        return proc

    def smtpd(self, name: str, *, wait: bool = True, **extra: str) -> int:
        """Start ``tapecut smtpd`` on a free port; return the port (once it greets)."""
        port = smtpenv.free_port()
        self.start(name, ["tapecut", "smtpd", "--port", str(port)], **extra)
        if wait:
            self.wait_smtpd(name, port)
        return port

    def wait_smtpd(self, name: str, port: int) -> None:
        if not smtpenv.wait_for_port(port, timeout=DEADLINE):
            raise RuntimeError(f"smtpd {name} did not come up:\n{self.log(name)}")

    def worker(
        self, name: str, kinds: list[str], *, wait: bool = True, **extra: str
    ) -> subprocess.Popen[bytes]:
        """Start ``tapecut worker`` (and wait until it says that it runs)."""
        proc = self.start(name, ["tapecut", "worker", "--kinds", *kinds], **extra)
        if wait:
            self.wait_worker(name)
        return proc

    def wait_worker(self, name: str) -> str:
        wait_for(lambda: self.worker_id(name) is not None, DEADLINE, f"worker {name} to start")
        return str(self.worker_id(name))

    def worker_id(self, name: str) -> str | None:
        found = WORKER_STARTED.search(self.log(name))
        return found[1] if found else None

    def log_path(self, name: str) -> Path:
        return self.var_dir / f"{name}.log"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        """SIGTERM to every process still running at once, then wait for each."""
        running = [proc for proc in self.procs if proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        for proc in running:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    # --- what the database holds ----------------------------------------------------------

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return list(conn.execute(sql).fetchall())
        lite = sqlite3.connect(self.var_dir / SQLITE_NAME, timeout=30)
        try:
            return list(lite.execute(sql).fetchall())
        finally:
            lite.close()

    def count(self, sql: str) -> int:
        return int(self.rows(sql)[0][0])

    def stored_markers(self) -> Counter[str]:
        """How often each ``X-Bench-Seq`` marker is stored (small test mail is stored inline)."""
        found: Counter[str] = Counter()
        for (raw,) in self.rows("SELECT raw_inline FROM intake_inboundmessage"):
            assert raw is not None, "fault tests send mail small enough to be stored inline"
            found.update(m.decode() for m in MARKER.findall(bytes(raw)))
        return found


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@contextmanager
def running(installation: Installation) -> Iterator[Installation]:
    """Stop every process the installation started, however the test ends."""
    try:
        yield installation
    finally:
        installation.stop_all()
