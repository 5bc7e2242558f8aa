"""What custody does when intake reports something (connected in CustodyConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tapecut.custody.autoreply import queue_autoreply
from tapecut.intake.models import Report
from tapecut.intake.signals import report_created


@receiver(report_created, dispatch_uid="tapecut.custody.autoreply")
def _report_created(sender: Any, report: Report, **kwargs: Any) -> None:
    # Only a job is queued here: the receipt is issued and mailed by the worker, with retries.
    queue_autoreply(report)
