"""``tapecut smtpd`` as a process: it listens, answers, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from tapecut.devtools.installation import DEADLINE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connect(port: int, timeout: float = DEADLINE) -> smtplib.SMTP:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return smtplib.SMTP("127.0.0.1", port, timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.mark.slow
def test_smtpd_serves_and_stops_on_sigterm(tmp_path) -> None:
    port = free_port()
    env = {**os.environ, "TAPECUT_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tapecut", "smtpd", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        smtp = connect(port)
        assert smtp.ehlo()[0] == 250
        assert smtp.rcpt("x@y.z")[0] == 503  # RCPT before MAIL: a real SMTP dialogue
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=DEADLINE) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert f"listening on 127.0.0.1:{port}" in output
    assert "stopped" in output


def test_a_taken_port_is_a_clear_error() -> None:
    switch = sys.getswitchinterval()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("smtpd", host="127.0.0.1", port=port)
    sys.setswitchinterval(switch)
