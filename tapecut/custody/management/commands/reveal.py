"""``tapecut reveal``: a custodian learns who sent a protected report, with a reason, audited."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tapecut.custody.actions import do_reveal_identity
from tapecut.intake.models import Report


class Command(BaseCommand):
    help = (
        "Reveal the sender of a pseudonymous or anonymous report. Only a user with the custodian "
        "role may; the reason and the custodian are written to the audit trail."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--report", type=int, required=True, help="The report's number.")
        parser.add_argument("--reason", required=True, help="Why (at least 10 characters).")
        parser.add_argument("--as", dest="custodian", required=True, help="Custodian's user name.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["custodian"]).first()
        if user is None:
            raise CommandError(f"No user named {options['custodian']!r}.")
        report = Report.objects.select_related("reporter", "inbound").filter(pk=options["report"])
        found = report.first()
        if found is None:
            raise CommandError(f"No report #{options['report']}.")
        try:
            identity = do_reveal_identity(found, actor=user, reason=options["reason"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for key in ("name", "address", "envelope_from"):
            self.stdout.write(f"{key}: {identity.get(key) or '-'}")
