import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnalysisConfig(AppConfig):
    name = "tapecut.analysis"
    label = "analysis"

    def ready(self) -> None:
        from tapecut.analysis import actions, receivers, stages_config  # actions: job handlers
        from tapecut.intake.signals import followup_created, report_created

        report_created.connect(receivers.on_report_created, dispatch_uid="analysis.report")
        followup_created.connect(receivers.on_followup_created, dispatch_uid="analysis.followup")
        stages_config.connect_signals()
        del actions
        post_migrate.connect(_ensure_taxonomy, sender=self, dispatch_uid="analysis.taxonomy")


def _ensure_taxonomy(sender: AppConfig, **kwargs: Any) -> None:
    # The default taxonomy comes with a data migration; after a database flush (which sends
    # post_migrate) an empty category table gets it again. A configured taxonomy is left alone.
    from django.apps import apps

    from tapecut.analysis.models import Category

    if not Category.objects.exists():
        taxonomy = importlib.import_module("tapecut.analysis.migrations.0003_default_taxonomy")
        taxonomy.add_taxonomy(apps, None)
