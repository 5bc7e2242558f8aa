"""Reports for the analysis tests, stored as intake would store them (no parser needed)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tapecut.intake.models import Channel, Mode, Report, Reporter


def make_report(
    text: str, *, subject: str = "", name: str = "", address: str = "", **fields: Any
) -> Report:
    reporter = None
    if name or address:
        reporter = Reporter.objects.create(display_name=name, address=address, mode=Mode.NAMED)
    return Report.objects.create(
        reporter=reporter,
        mode=fields.pop("mode", Mode.NAMED),
        channel=Channel.FORM,
        subject=subject,
        text=text,
        received_at=fields.pop("received_at", timezone.now()),
        **fields,
    )
