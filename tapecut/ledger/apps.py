from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tapecut.ledger"
    label = "ledger"
    verbose_name = "AI cost ledger"
