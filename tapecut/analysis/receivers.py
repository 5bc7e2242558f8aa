"""Analysis starts as soon as intake has stored a report or a follow-up (a job per report)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tapecut.intake.models import FollowUp, Report
from tapecut.intake.signals import followup_created, report_created


@receiver(report_created, dispatch_uid="analysis.report")
def on_report_created(sender: Any, report: Report, **kwargs: Any) -> None:
    from tapecut.analysis.actions import enqueue_analysis

    enqueue_analysis(report.pk)


@receiver(followup_created, dispatch_uid="analysis.followup")
def on_followup_created(sender: Any, followup: FollowUp, **kwargs: Any) -> None:
    from tapecut.analysis.actions import enqueue_analysis

    # The report is analysed again with the follow-up's words (impact figures often come later).
    if followup.author == FollowUp.Author.REPORTER:
        enqueue_analysis(followup.report_id)
