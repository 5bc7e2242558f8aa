"""Start-up check for the insights settings (tapecut.E040)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from tapecut.insights.units import UnitsError, parse_units


@register()
def check_units(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        parse_units(settings.TAPECUT_UNITS)
    except UnitsError as exc:
        return [
            Error(str(exc), hint="see TAPECUT_UNITS in docs/configuration.md", id="tapecut.E040")
        ]
    return []
