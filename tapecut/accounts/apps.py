from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tapecut.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Signal receivers, the auto-reply job handler and the system checks.
        from tapecut.accounts import checks, receivers  # noqa: F401
