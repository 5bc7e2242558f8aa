from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tapecut.insights"
    label = "insights"

    def ready(self) -> None:
        # System checks and signal receivers register themselves on import.
        from tapecut.insights import checks, receivers  # noqa: F401
