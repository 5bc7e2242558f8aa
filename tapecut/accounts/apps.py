import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "tapecut.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The login-defence checks and the failed-login receiver.
        from tapecut.accounts import checks, receivers  # noqa: F401

        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="accounts.roles")


def _ensure_roles(sender: AppConfig, **kwargs: Any) -> None:
    # The data migration creates the role groups once; a database flush (``tapecut flush``,
    # transactional tests) removes them again, and Django sends post_migrate after a flush.
    from django.apps import apps

    roles = importlib.import_module("tapecut.accounts.migrations.0002_roles")
    roles.create_roles(apps, None)
