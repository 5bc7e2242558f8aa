"""The web server as ``tapecut run`` starts it: no client addresses logged, no orphaned workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tapecut.core.gunicorn_conf import private_path

pytestmark = pytest.mark.slow

START_SECONDS = 300  # generous: a busy machine makes the test slower, not red


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(condition, seconds: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds} s; output:\n{log.read_text()[-4000:]}")


def _get(port: int, path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"User-Agent": "LeakAgent/9.9", "X-Forwarded-For": "198.51.100.23"},
    )
    try:
        with urllib.request.urlopen(request, timeout=START_SECONDS) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _can_bind(port: int) -> bool:
    """Whether a new server could listen there (as gunicorn does: TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_tokens_are_cut_out_of_logged_paths():
    assert private_path("/follow/abc.def:ghi/") == "/follow/[token]/"
    assert private_path("/feedback/xyz/") == "/feedback/[token]/"
    assert private_path("/report/") == "/report/"


def test_no_client_address_in_the_access_log_and_workers_die_with_the_master(tmp_path):
    from tapecut.core.management.commands.run import web_argv

    port = _free_port()
    argv = [a for a in web_argv()]
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "2"
    log = tmp_path / "web.log"
    workers: list[int] = []
    with log.open("wb") as out:
        master = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: not _can_bind(port), START_SECONDS, "gunicorn listening", log)
        _wait(lambda: len(_children(master.pid)) == 2, START_SECONDS, "two workers", log)
        assert _get(port, "/receipt/") == 200
        assert _get(port, "/follow/secret-follow-token/") in (200, 404)
        _wait(
            lambda: "/follow/[token]/" in log.read_text(),
            START_SECONDS,
            "the access log lines",
            log,
        )
        workers = _children(master.pid)
        assert len(workers) == 2
        access = [line for line in log.read_text().splitlines() if '"GET ' in line]
        assert access, log.read_text()
        for needle in ("127.0.0.1", "198.51.100.23", "LeakAgent", "secret-follow-token"):
            assert not any(needle in line for line in access), (needle, access)

        master.send_signal(signal.SIGKILL)
        master.wait(timeout=START_SECONDS)
        _wait(lambda: not any(_alive(w) for w in workers), START_SECONDS, "the workers gone", log)
        _wait(lambda: _can_bind(port), START_SECONDS, "the port free again", log)
    finally:
        if master.poll() is None:
            master.kill()
            master.wait(timeout=START_SECONDS)
        for pid in workers:  # only if the test failed: they are gone otherwise
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
