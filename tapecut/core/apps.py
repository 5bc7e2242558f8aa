from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tapecut.core"
    label = "core"
    verbose_name = "Tapecut core"

    def ready(self) -> None:
        from tapecut.core import checks  # noqa: F401  (registers system checks)
        from tapecut.core import receivers, security_checks  # noqa: F401  (login, 2FA)
