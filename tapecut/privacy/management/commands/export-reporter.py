"""``tapecut export-reporter``: everything held about one reporter, as JSON, for the custodian."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tapecut.privacy import cli
from tapecut.privacy.export import do_export_reporter


class Command(BaseCommand):
    help = (
        "Print everything Tapecut holds about one reporter as JSON (a data subject's access "
        "request). Custodians only; audited. --raw adds the raw messages (base64)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        cli.add_arguments(parser)
        parser.add_argument("--raw", action="store_true", help="Include the raw messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        user, reporter = cli.resolve(options)
        try:
            data = do_export_reporter(
                reporter, actor=user, reason=options["reason"], with_raw=options["raw"]
            )
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
