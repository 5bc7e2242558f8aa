"""An email backend for fault tests: Django's file backend that can stall after a delivery.

Each delivered message is written to ``EMAIL_FILE_PATH`` (Django's file backend) and then marked
by a file in ``FAULTS_MAIL_MARKS``. The delivery numbered ``FAULTS_MAIL_STALL_AT`` then stalls
for ``FAULTS_MAIL_STALL_SECONDS``: the mail is out, but the worker has not yet recorded that it
is, which is exactly where a worker killed at the worst moment leaves things.
"""

from __future__ import annotations

import email
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail.backends import filebased

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class StallingFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        sent = super().send_messages(email_messages)
        marks = Path(os.environ["FAULTS_MAIL_MARKS"])
        marks.mkdir(parents=True, exist_ok=True)
        (marks / f"{time.time_ns()}-{os.getpid()}").touch()
        if len(list(marks.iterdir())) == int(os.environ.get("FAULTS_MAIL_STALL_AT", "0")):
            time.sleep(float(os.environ.get("FAULTS_MAIL_STALL_SECONDS", "60")))
        return sent


def outbox_recipients(folder: Path) -> list[str]:
    """The ``To`` of every message Django's file backend wrote into ``folder``."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found.append(str(email.message_from_bytes(chunk)["To"]))
    return found
