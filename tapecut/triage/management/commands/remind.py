"""``tapecut remind``: mail the owners of overdue changes (at most once a day per change)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tapecut.triage.reminders import do_remind_overdue


class Command(BaseCommand):
    help = "Remind owners of changes past their due date, at most once a day per change."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_remind_overdue()
        self.stdout.write(f"{sent} reminder(s) sent")
