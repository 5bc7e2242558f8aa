"""A throwaway PostgreSQL server for fault tests and benchmarks, as ``scripts/with-postgres.sh``.

The server lives in a temporary folder (data, socket, log) on a free port of 127.0.0.1 with
password login. It can be stopped and started again on the same port, which is what the outage
tests need. PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` user.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

POSTGRES_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start."""


def find_bin() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` with initdb (``PG_BIN`` overrides)."""
    configured = os.environ.get("PG_BIN")
    candidates = [Path(configured)] if configured else []
    if POSTGRES_ROOT.is_dir():
        versions = sorted(POSTGRES_ROOT.iterdir(), key=lambda p: _version_key(p.name))
        candidates += [p / "bin" for p in reversed(versions)]
    for folder in candidates:
        if (folder / "initdb").exists():
            return folder
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: apt-get install postgresql, "
        "or set PG_BIN to the folder that holds them"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    """One private server: ``start()``, ``stop()``, ``start()`` again, ``remove()`` at the end."""

    def __init__(self, *, durable: bool = False) -> None:
        self.bin = find_bin()
        self.work = Path(tempfile.mkdtemp(prefix="tapecut-pg-"))
        self.data = self.work / "data"
        self.port = free_port()
        self.password = secrets.token_hex(16)
        # Tests care about behaviour, not durability: fsync off unless measuring.
        self.durable = durable
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.work, SERVER_USER)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres:{self.password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True, timeout: float = 400) -> Any:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        # PostgreSQL's own binaries with arguments built here.
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if check and result.returncode != 0:
            log = self.log_tail()
            raise PostgresUnavailable(
                f"{args[0]} failed ({result.returncode}): {result.stderr.decode()[-2000:]}{log}"
            )
        return result

    def init(self) -> ThrowawayPostgres:
        pwfile = self.work / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._as_root:
            shutil.chown(pwfile, SERVER_USER)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        pwfile.unlink()
        return self

    def _options(self) -> str:
        options = [
            f"-p {self.port}",
            f"-k {self.work}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=200",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return " ".join(options)

    def start(self) -> ThrowawayPostgres:
        log = self.work / "server.log"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(log),
            "-w",
            "-t",
            "300",
            "-o",
            self._options(),
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m MODE``: fast ends every session, immediate is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def create_database(self, name: str, template: str = "template1") -> str:
        """A new database (copied from ``template``); return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def server_pid(self) -> int:
        """The postmaster's process id (the first line of ``postmaster.pid``)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def log_tail(self, chars: int = 2000) -> str:
        log = self.work / "server.log"
        return "\n" + log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        return self.init().start()

    def __exit__(self, *exc: object) -> None:
        self.remove()
