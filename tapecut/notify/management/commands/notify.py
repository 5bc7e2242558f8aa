"""``tapecut notify``: tell the team's destinations what happened (the scheduler runs it).

``tapecut notify`` looks for new events and queues one message per destination and event (the
worker sends them). ``--add KIND NAME TARGET`` sets up a destination, ``--list`` shows them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tapecut.notify import dispatch
from tapecut.notify.models import EVENTS, Destination


class Command(BaseCommand):
    help = "Queue notifications of new events for the team's destinations (e-mail, webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--add", nargs=3, metavar=("KIND", "NAME", "TARGET"), help="add a destination"
        )
        parser.add_argument("--secret", default="", help="webhook signing secret (with --add)")
        parser.add_argument(
            "--events", default="", help="comma-separated events (with --add; default: all)"
        )
        parser.add_argument("--grow", type=int, default=10, help="theme.grew threshold")
        parser.add_argument(
            "--allow-report-text",
            action="store_true",
            help="this destination may receive reporters' words",
        )
        parser.add_argument("--list", action="store_true", help="list the destinations")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["add"]:
            self._add(options)
        elif options["list"]:
            for d in Destination.objects.order_by("id"):
                state = "active" if d.active else "off"
                self.stdout.write(f"{d.pk}\t{d.kind}\t{d.name}\t{state}\t{','.join(d.events)}")
        else:
            self.stdout.write(f"{dispatch.do_scan()} notifications queued")

    def _add(self, options: dict[str, Any]) -> None:
        kind, name, target = options["add"]
        if kind not in Destination.Kind.values:
            raise CommandError(f"KIND must be one of {', '.join(Destination.Kind.values)}")
        chosen = [e for e in options["events"].split(",") if e]
        unknown = set(chosen) - {e for e, _label in EVENTS}
        if unknown:
            raise CommandError(f"unknown events: {', '.join(sorted(unknown))}")
        destination = Destination.objects.create(
            kind=kind,
            name=name,
            target=target,
            secret=options["secret"],
            events=chosen,
            grow_threshold=options["grow"],
            allow_report_text=options["allow_report_text"],
        )
        self.stdout.write(f"destination {destination.pk} added")
