"""``tapecut token create --user NAME --scope submit``: API tokens (shown once, with scopes and
an expiry), listed and revoked."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tapecut.accounts.actions import SCOPES, do_create_token, do_revoke_token
from tapecut.accounts.models import Token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. A new token is printed once and never again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it.")
        create.add_argument("--user", required=True, help="User name the token acts as.")
        create.add_argument("--name", default="", help="A label, e.g. the integration's name.")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=SCOPES,
            help="What it may do: read, submit (reports as its own user) or write; repeat it.",
        )
        create.add_argument(
            "--days", type=int, default=None, help="Valid for (default TAPECUT_API_TOKEN_DAYS)."
        )
        listing = sub.add_parser("list", help="List tokens (prefixes only).")
        listing.add_argument("--user", default="", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", help="The first characters shown by `tapecut token list`.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["user"], options["name"], options["scope"], options["days"])
        elif action == "list":
            self._list(options["user"])
        else:
            self._revoke(options["prefix"])

    def _create(self, username: str, name: str, scopes: list[str], days: int | None) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            _token, raw = do_create_token(user, name=name, scopes=scopes, days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(raw)
        self.stderr.write("Store this token now: it cannot be shown again.")

    def _list(self, username: str) -> None:
        tokens = Token.objects.select_related("user").order_by("created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            state = "revoked" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            until = f"until {t.expires_at:%Y-%m-%d}" if t.expires_at else "expired"
            self.stdout.write(
                f"{t.prefix}…  {t.user.get_username()}  {t.name or '-'}  {t.scopes or '-'}  "
                f"{state}  {until}  {used}"
            )

    def _revoke(self, prefix: str) -> None:
        matches = list(
            Token.objects.filter(prefix__startswith=prefix[:12], revoked_at__isnull=True)
        )
        if len(prefix) < 6 or len(matches) != 1:
            raise CommandError(
                f"{len(matches)} active tokens start with {prefix!r}; give more of it."
            )
        do_revoke_token(matches[0])
        self.stdout.write(f"Revoked {matches[0].prefix}….")
