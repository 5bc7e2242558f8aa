"""Signal receivers: a new report's named reporter gets a unit from ``TAPECUT_UNITS``."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tapecut.insights.actions import configured_units, do_assign_units
from tapecut.intake.models import Report, Reporter
from tapecut.intake.signals import reports_created


@receiver(reports_created, dispatch_uid="insights.unit")
def on_reports_created(sender: Any, reports: list[Report], **kwargs: Any) -> None:
    ids = {report.reporter_id for report in reports if report.reporter_id is not None}
    if not ids or not configured_units():
        return
    do_assign_units(Reporter.objects.filter(pk__in=ids))
