"""``tapecut digest``: this week's digest to every leader who has not had it yet."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from tapecut.insights.actions import do_assign_units
from tapecut.insights.digest import build_digest, render_digest, send_digests


class Command(BaseCommand):
    help = "Mail leaders the weekly digest (once per ISO week each); fill in reporters' units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--show", metavar="LANG", help="print the digest in this language; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show"]:
            known = [code for code, _name in settings.LANGUAGES]
            if options["show"] not in known:
                raise CommandError(f"--show: a language of {', '.join(known)}")
            subject, body = render_digest(build_digest(), options["show"])
            self.stdout.write(f"Subject: {subject}\n\n{body}")
            return
        # Reporters who arrived before TAPECUT_UNITS named their unit get it now.
        assigned = do_assign_units()
        with translation.override(None):
            sent = send_digests()
        self.stdout.write(f"{sent} digest(s) sent; {assigned} reporter(s) given a unit")
