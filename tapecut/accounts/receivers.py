"""Signal receivers of tapecut.core (connected in CoreConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from tapecut.accounts.login import username_from
from tapecut.accounts.login_actions import do_record_login_failure


@receiver(user_login_failed, dispatch_uid="tapecut.accounts.login_failed")
def count_failed_login(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    # Django sends the credentials with the password already masked; only the name is used.
    do_record_login_failure(request, username_from(credentials))
