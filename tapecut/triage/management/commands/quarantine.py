"""``tapecut quarantine``: list, re-parse, release or delete quarantined mail."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tapecut.accounts.permissions import can
from tapecut.intake.models import InboundMessage
from tapecut.triage import quarantine as q


class Command(BaseCommand):
    help = (
        "Mail that was accepted but not understood. 'list' shows it; 'reparse' parses it again "
        "(after an upgrade; --all for every message); 'release' makes a report of it; 'delete' "
        "deletes it. Changes need --as ADMIN and are audited."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["list", "reparse", "release", "delete"])
        parser.add_argument("ids", nargs="*", type=int, help="Message numbers (from 'list').")
        parser.add_argument("--all", action="store_true", help="reparse: every message.")
        parser.add_argument("--as", dest="admin", default="", help="Admin's user name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        actor = self._admin(options["admin"])
        if options["action"] == "reparse" and options["all"]:
            counts = q.do_reparse_all(actor=actor)
            self.stdout.write(", ".join(f"{n} {o}" for o, n in sorted(counts.items())) or "0")
            return
        if not options["ids"]:
            raise CommandError("Give message numbers (or --all to reparse every one).")
        for pk in options["ids"]:
            self.stdout.write(f"{pk}: {self._act(options['action'], pk, actor)}")

    def _list(self) -> None:
        summary = q.summary()
        self.stdout.write(f"{summary['count']} quarantined, {summary['bytes']} bytes")
        for msg in q.quarantined():
            self.stdout.write(
                f"{msg.pk}\t{msg.received_at:%Y-%m-%d %H:%M}\t{msg.channel}\t{msg.mode}\t"
                f"{msg.size}\t{msg.reason[:120]}"
            )

    def _admin(self, name: str) -> Any:
        user = get_user_model().objects.filter(username=name).first() if name else None
        if user is None or not can(user, "manage_quarantine"):
            raise CommandError("Give an admin's user name with --as.")
        return user

    def _act(self, action: str, pk: int, actor: Any) -> str:
        msg = InboundMessage.objects.filter(pk=pk).first()
        if msg is None:
            return "no such message"
        try:
            if action == "reparse":
                return q.do_reparse_quarantined(msg, actor=actor).outcome
            if action == "release":
                return f"released as report #{q.do_release(msg, actor=actor).pk}"
            q.do_delete_quarantined(msg, actor=actor)
            return "deleted"
        except q.QuarantineError as exc:
            return str(exc)
