"""``tapecut reset2fa USERNAME``: remove a user's authenticator devices (a lost phone).

The user sets up a new app at their next login. Run from the server's shell, so that it works
when the only administrator is the one who lost the phone.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tapecut.accounts.login_actions import do_remove_totp


class Command(BaseCommand):
    help = "Remove a user's two-factor devices; they set up a new one at their next login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        removed = do_remove_totp(user, actor=None)
        self.stdout.write(f"Removed {removed} two-factor device(s) of {user.get_username()}.")
