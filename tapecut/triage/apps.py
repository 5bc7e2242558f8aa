from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tapecut.triage"
    label = "triage"

    def ready(self) -> None:
        # Connects the receivers and registers the notice job handlers.
        from tapecut.analysis.recluster import register_sticky
        from tapecut.triage import checks, notices, receivers  # noqa: F401

        # Re-clustering never moves a report a change answers.
        register_sticky(_reports_of_changes)


def _reports_of_changes() -> list[int]:
    """Reports a change answers now (explicit links in force)."""
    from tapecut.triage.models import ChangeReport

    return list(ChangeReport.objects.active().values_list("report_id", flat=True).distinct())
