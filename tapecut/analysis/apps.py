import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnalysisConfig(AppConfig):
    name = "tapecut.analysis"
    label = "analysis"

    def ready(self) -> None:
        # Job handlers (actions) and signal receivers register themselves on import.
        from tapecut.analysis import actions, receivers, stages_config  # noqa: F401

        stages_config.connect_signals()
        post_migrate.connect(_ensure_taxonomy, sender=self, dispatch_uid="analysis.taxonomy")


def _ensure_taxonomy(sender: AppConfig, **kwargs: Any) -> None:
    # The default taxonomy comes with a data migration; after a database flush (which sends
    # post_migrate) an empty category table gets it again. A configured taxonomy is left alone.
    from django.apps import apps

    from tapecut.analysis.models import Category

    if not Category.objects.exists():
        taxonomy = importlib.import_module("tapecut.analysis.migrations.0003_default_taxonomy")
        taxonomy.add_taxonomy(apps, None)
