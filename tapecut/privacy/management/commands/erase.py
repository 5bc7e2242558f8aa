"""``tapecut erase``: a custodian erases one reporter's personal data on request."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tapecut.privacy import cli, compact
from tapecut.privacy.actions import do_erase_reporter


class Command(BaseCommand):
    help = (
        "Erase one reporter's personal data (raw mail, identity, reply threads, attachments) on "
        "their request. Reports stay, anonymised, and every count stays. Custodians only; audited."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user, reporter = cli.resolve(options)
        try:
            counts = do_erase_reporter(reporter, actor=user, reason=options["reason"])
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from None
        summary = ", ".join(f"{v} {k}" for k, v in counts.items())
        self.stdout.write(f"erased reporter {reporter.pk}: {summary}; {compact.compact()}")
