"""Signal receivers: a new report's named reporter gets a unit from ``TAPECUT_UNITS``."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tapecut.insights.actions import configured_units, do_assign_units
from tapecut.intake.models import Report, Reporter
from tapecut.intake.signals import report_created


@receiver(report_created, dispatch_uid="insights.unit")
def on_report_created(sender: Any, report: Report, **kwargs: Any) -> None:
    if report.reporter_id is None or not configured_units():
        return
    do_assign_units(Reporter.objects.filter(pk=report.reporter_id))
