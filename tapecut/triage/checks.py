"""Start-up checks for the loop's settings (tapecut.E050, tapecut.E051)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from tapecut.triage.board import MODES
from tapecut.triage.steps import STEPS


@register()
def check_loop_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.TAPECUT_BOARD not in MODES:
        errors.append(
            Error(
                f"TAPECUT_BOARD is {settings.TAPECUT_BOARD!r}; it must be "
                f"one of {', '.join(MODES)}",
                hint="see TAPECUT_BOARD in docs/configuration.md",
                id="tapecut.E050",
            )
        )
    unknown = sorted(set(settings.TAPECUT_NEWS_STEPS) - set(STEPS))
    if unknown:
        errors.append(
            Error(
                f"TAPECUT_NEWS_STEPS names unknown steps: {', '.join(unknown)}",
                hint=f"steps are {', '.join(STEPS)}; see docs/configuration.md",
                id="tapecut.E051",
            )
        )
    return errors
