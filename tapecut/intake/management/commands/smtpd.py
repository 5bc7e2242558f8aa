"""``tapecut smtpd``: receive mail over SMTP, store it raw, answer 250 only after the commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tapecut.intake.smtp_server import serve_forever


class Command(BaseCommand):
    help = (
        "Run the SMTP receiver until SIGTERM. Several may run on different ports against the "
        "same database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=None, help="interface to listen on (TAPECUT_SMTP_HOST)"
        )
        parser.add_argument(
            "--port", type=int, default=None, help="port to listen on (TAPECUT_SMTP_PORT)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"] or settings.TAPECUT_SMTP_HOST
        port = settings.TAPECUT_SMTP_PORT if options["port"] is None else options["port"]
        try:
            serve_forever(host, port)
        except OSError as exc:  # the port is taken, or the address is not ours
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
