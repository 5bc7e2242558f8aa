from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tapecut.insights"
    label = "insights"

    def ready(self) -> None:
        from tapecut.insights import checks, receivers
        from tapecut.intake.signals import report_created

        report_created.connect(receivers.on_report_created, dispatch_uid="insights.unit")
        del checks
