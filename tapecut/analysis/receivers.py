"""Analysis starts as soon as intake has stored a report or a follow-up (a job per report,
queued for a batch of new reports in one statement)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tapecut.intake.models import FollowUp, Report
from tapecut.intake.signals import followup_created, reports_created


@receiver(reports_created, dispatch_uid="analysis.report")
def on_reports_created(sender: Any, reports: list[Report], **kwargs: Any) -> None:
    from tapecut.analysis.actions import enqueue_analyses

    enqueue_analyses([report.pk for report in reports])


@receiver(followup_created, dispatch_uid="analysis.followup")
def on_followup_created(sender: Any, followup: FollowUp, **kwargs: Any) -> None:
    from tapecut.analysis.actions import enqueue_analysis

    # The report is analysed again with the follow-up's words (impact figures often come later).
    if followup.author == FollowUp.Author.REPORTER:
        enqueue_analysis(followup.report_id)
