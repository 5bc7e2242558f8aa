"""What the custodian's commands share: who asks, about whom, and why."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from tapecut.intake.models import Reporter
from tapecut.privacy.actions import find_reporter


def add_arguments(parser: ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--report", type=int, help="A report of the reporter (its number).")
    which.add_argument("--address", default="", help="The reporter's email address.")
    parser.add_argument("--as", dest="custodian", required=True, help="Custodian's user name.")
    parser.add_argument("--reason", required=True, help="Why (at least 10 characters).")


def resolve(options: dict[str, Any]) -> tuple[Any, Reporter]:
    user = get_user_model().objects.filter(username=options["custodian"]).first()
    if user is None:
        raise CommandError(f"No user named {options['custodian']!r}.")
    reporter = find_reporter(report_id=options["report"], address=options["address"])
    if reporter is None:
        raise CommandError("No reporter found for that report or address.")
    return user, reporter
