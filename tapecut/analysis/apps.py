from django.apps import AppConfig


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
