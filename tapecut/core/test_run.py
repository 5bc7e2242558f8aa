"""``tapecut run`` for real: web, SMTP and worker answer on free ports, SIGTERM stops them all."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import socket
import subprocess
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tapecut.core.models import Job
from tapecut.core.supervisor import port_open, tapecut_argv

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Generous: three Django processes start at once, and CI machines are busy.
START_SECONDS = 300  # generous: a busy machine makes the test slower, not red
FAKE_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """The test database as a URL, for processes started by the test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} within {seconds} s; output:\n{log.read_text()[-4000:]}")


def send_report(port: int) -> None:
    msg = EmailMessage()
    msg["From"] = "Rita Reporter <rita@corp.example>"
    msg["To"] = "bureaucracy@corp.example"
    msg["Subject"] = "Four signatures for a parking permit"
    msg["Message-ID"] = "<run-test@corp.example>"
    msg.set_content("Every year the same form, signed by four people.\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=START_SECONDS) as smtp:
        code, _ = smtp.ehlo("test.example")
        assert code == 250
        smtp.send_message(msg)


def test_run_serves_web_smtp_and_worker_then_stops_on_sigterm(tmp_path, monkeypatch):
    web, smtp = free_port(), free_port()
    for name, value in {
        "DATABASE_URL": database_url(),
        "TAPECUT_VAR_DIR": str(tmp_path / "var"),
        "TAPECUT_WEB_PORT": str(web),
        "TAPECUT_WEB_WORKERS": "1",
        "TAPECUT_SMTP_PORT": str(smtp),
        "TAPECUT_WORKER_POLL_SECONDS": "0.2",
        # The worker analyses the report it parses: with the deterministic stand-in, not a model.
        "TAPECUT_AI_EMBEDDER": FAKE_EMBEDDER,
        "TAPECUT_AI_FALLBACK_EMBEDDER": FAKE_EMBEDDER,
    }.items():
        monkeypatch.setenv(name, value)
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(tapecut_argv("run"), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "Tapecut is running." in log.read_text(), START_SECONDS, "no banner", log)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{web}/accounts/login/", timeout=START_SECONDS
        ) as r:
            assert r.status == 200
            assert b'name="password"' in r.read()
        send_report(smtp)
        # The worker took the parse job the receiver queued (done, or retried on failure).
        wait_for(
            lambda: Job.objects.filter(kind="intake.parse", attempts__gte=1).exists(),
            START_SECONDS,
            "no worker ran the parse job",
            log,
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=START_SECONDS)
    output = log.read_text()
    assert code == 0, output[-4000:]
    started = dict(re.findall(r"started ([\w-]+) \(pid (\d+)\)", output))
    assert set(started) == {"web", "smtpd", "worker", "worker-intake"}, output[-4000:]
    assert not port_open("127.0.0.1", web)
    assert not port_open("127.0.0.1", smtp)
    for pid in started.values():
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
