from django.apps import AppConfig


class AIConfig(AppConfig):
    """Backends only, no models; the app registers their start-up checks and signals."""

    name = "tapecut.ai"
    label = "ai"
    verbose_name = "AI backends"

    def ready(self) -> None:
        # Start-up checks (tapecut.E020…) and the cache reset when settings change.
        import tapecut.ai.checks
        import tapecut.ai.registry

        tapecut.ai.registry.connect_signals()
