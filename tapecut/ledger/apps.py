from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tapecut.ledger"
    label = "ledger"
    verbose_name = "AI cost ledger"

    def ready(self) -> None:
        # tapecut.ai has no app of its own; its start-up checks (tapecut.E020…) live with the
        # ledger that every backend writes to.
        import tapecut.ai.checks
        import tapecut.ai.registry

        tapecut.ai.registry.connect_signals()
