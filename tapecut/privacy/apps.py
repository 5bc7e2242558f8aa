from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tapecut.privacy"
    label = "privacy"
    verbose_name = "Privacy: retention, erasure, export"

    def ready(self) -> None:
        from django.conf import settings

        from tapecut.core.schedule import Periodic, register

        # Idempotent: a repeated run finds nothing left to delete.
        register(Periodic("purge", settings.TAPECUT_SCHEDULE_PURGE_SECONDS, ("purge",)))
