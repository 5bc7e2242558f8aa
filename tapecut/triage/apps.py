from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tapecut.triage"
    label = "triage"

    def ready(self) -> None:
        # Connects the receivers and registers the notice job handlers.
        from tapecut.triage import checks, notices, receivers  # noqa: F401
