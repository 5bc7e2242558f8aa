from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tapecut.core"
    label = "core"
    verbose_name = "Tapecut core"

    def ready(self) -> None:
        # Registers the system checks (checks, security_checks).
        from tapecut.core import checks, security_checks  # noqa: F401
        from tapecut.core.scrub import install_log_scrubber

        # No mail address reaches a log line, whoever logs it (docs/threat-model.md).
        install_log_scrubber()
