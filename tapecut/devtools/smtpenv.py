"""What the SMTP benchmarks share: a throwaway installation, server processes, test mail.

Run as a module it is also the helper process the benchmarks start:
``python -m tapecut.devtools.smtpenv bare PORT`` serves a bare aiosmtpd that discards mail, and
``python -m tapecut.devtools.smtpenv count`` prints how often each ``X-Bench-Seq`` marker is stored
in the database the environment points at.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from tapecut import keyfile

RECIPIENT = "bench@tapecut.invalid"
MARKER = re.compile(rb"^X-Bench-Seq: (\S+)\r?$", re.MULTILINE)
_VOCABULARY = (
    "Antrag Formular Unterschrift Genehmigung Frist Abteilung Vorgesetzte Kopie Stempel "
    "Reisekosten Beleg Original Papier Ausdruck Freigabe Einkauf Rechnung Bestellung Prozess "
    "form signature approval deadline department manager copy stamp travel expense receipt "
    "original paper printout release purchase invoice order process three weeks again why"
)
_WORDS = _VOCABULARY.split()


def throwaway_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for child processes: SQLite and the store under ``var_dir``, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPECUT_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="tapecut.settings",
        PYTHONUNBUFFERED="1",
        TAPECUT_VAR_DIR=str(var_dir),
        TAPECUT_STORE_DIR=str(var_dir / "store"),
        TAPECUT_RECIPIENTS=RECIPIENT,
        # Every client thread is its own sender; the throttle is measured, not hit.
        TAPECUT_SMTP_SENDER_RATE="100000000",
        TAPECUT_SMTP_SENDER_BURST="100000000",
    )
    env.update(extra)
    # Its own random keys (Tapecut refuses public ones outside DEBUG), unless the caller's
    # SECRET_KEY stands; the identity keys were dropped with the other TAPECUT_ settings.
    keyfile.ensure(var_dir)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "tapecut", "migrate", "--noinput"],
        env=env,
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=log, stderr=log)


def wait_for_port(port: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
                sock.recv(512)  # the greeting: the server is really serving
                return True
        except OSError:
            time.sleep(0.02)
    return False


def stop(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def message_head(sender: str, marker: str) -> bytes:
    return (
        f"From: Bench <{sender}>\r\nTo: {RECIPIENT}\r\nSubject: Red tape {marker}\r\n"
        f"Date: Thu, 26 Nov 2026 09:00:00 +0100\r\nMessage-ID: <{marker}@bench.invalid>\r\n"
        f"X-Bench-Seq: {marker}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode()


def message_body(rng: random.Random) -> bytes:
    """Plain text of 3–10 KB in lines of ten words, as people write reports."""
    size = rng.randint(3_000, 10_000)
    lines, length = [], 0
    while length < size:
        line = " ".join(rng.choices(_WORDS, k=10))
        lines.append(line)
        length += len(line) + 2
    return ("\r\n".join(lines) + "\r\n").encode()


def make_message(rng: random.Random, sender: str, marker: str) -> bytes:
    """A report distinct by its marker (``X-Bench-Seq``) and its random words."""
    return message_head(sender, marker) + message_body(rng)


def connect(port: int, timeout: float = 30.0) -> smtplib.SMTP:
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=timeout)
    smtp.ehlo()
    return smtp


def count_markers(env: dict[str, str]) -> dict[str, int]:
    """Run ``count`` in a child process, against the database ``env`` points at."""
    out = subprocess.run(
        [sys.executable, "-m", "tapecut.devtools.smtpenv", "count"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


def _count_here() -> None:
    import django

    django.setup()
    from tapecut.intake.models import InboundMessage
    from tapecut.intake.storing import raw_bytes

    counts: dict[str, int] = {}
    for msg in InboundMessage.objects.order_by("pk").iterator():
        for found in MARKER.findall(raw_bytes(msg)):
            key = found.decode()
            counts[key] = counts.get(key, 0) + 1
    print(json.dumps(counts))


class _Discard:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 2.0.0 OK"


async def _serve_bare(port: int) -> None:
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    hostname = socket.gethostname()
    server = await loop.create_server(
        lambda: SMTP(_Discard(), hostname=hostname, enable_SMTPUTF8=True), "127.0.0.1", port
    )
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    await stopped.wait()
    server.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["bare"]:
        asyncio.run(_serve_bare(int(sys.argv[2])))
    elif sys.argv[1:2] == ["count"]:
        _count_here()
    else:
        sys.exit("usage: python -m tapecut.devtools.smtpenv bare PORT | count")
