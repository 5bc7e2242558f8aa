from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tapecut.core"
    label = "core"
    verbose_name = "Tapecut core"

    def ready(self) -> None:
        # Registers system checks (checks, security_checks) and the failed-login receiver.
        from tapecut.core import checks, receivers, security_checks  # noqa: F401
