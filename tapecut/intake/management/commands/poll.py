"""``tapecut poll``: fetch reports from an IMAP mailbox (Microsoft 365, Google, any IMAP server)."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tapecut.intake.imap import ImapNotConfigured, describe, poll_once

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Fetch new mail from TAPECUT_IMAP_HOST, store it raw, then move it to TAPECUT_IMAP_MOVE_TO "
        "or mark it seen and flagged. Without --once it polls until SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between polls (default 60)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._poll()
            return
        stop = {"requested": False}

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while not stop["requested"]:
            # A long-running loop must not keep a connection the database has dropped.
            close_old_connections()
            try:
                self._poll()
            except CommandError:
                raise  # misconfigured: retrying will not help
            except Exception:
                # The server or the network is down: try again next round, lose nothing.
                log.exception("IMAP poll failed; trying again in %s s", options["interval"])
            deadline = time.monotonic() + options["interval"]
            while not stop["requested"] and time.monotonic() < deadline:
                time.sleep(0.2)

    def _poll(self) -> None:
        try:
            result = poll_once()
        except ImapNotConfigured as exc:
            raise CommandError(str(exc)) from None
        counts = describe(result)
        log.info("IMAP poll: %s", counts)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
