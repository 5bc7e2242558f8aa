"""``tapecut purge``: delete what the retention rules say has gone past its time."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tapecut.privacy.actions import do_purge, plan_purge
from tapecut.privacy.compact import compact


class Command(BaseCommand):
    help = (
        "Delete the raw mail, reporter identities and reply threads that the retention settings "
        "say have gone past their time (TAPECUT_RETENTION_*). Counts and anonymised text stay. "
        "Idempotent and audited; run daily by the scheduler."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; change nothing."
        )
        parser.add_argument(
            "--vacuum",
            action="store_true",
            help="Also rebuild the database files (SQLite VACUUM, PostgreSQL VACUUM FULL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["dry_run"]:
            plan = plan_purge(now)
            for line in plan.lines(now):
                self.stdout.write(line)
            self.stdout.write(
                f"would delete: {len(plan.expired)} reports, {len(plan.messages)} other messages"
            )
            return
        result = do_purge(now)
        for line in result.lines(now):
            self.stdout.write(f"deleted {line}")
        summary = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        self.stdout.write(f"purged: {summary}; {compact(vacuum=options['vacuum'])}")
