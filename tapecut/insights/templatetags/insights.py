"""Number formats for the dashboard: ``{{ value|num }}``, ``|num1``, ``|usd``, ``|days``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from tapecut.insights import present

register = template.Library()


@register.filter
def num(value: int | float | Decimal | None) -> str:
    return present.num(value)


@register.filter
def num1(value: float | None) -> str:
    return present.num(value, 1)


@register.filter
def usd(value: Decimal | None) -> str:
    return present.usd(value)


@register.filter
def usd4(value: Decimal | None) -> str:
    return present.usd(value, 4)


@register.filter
def days(hours: float | None) -> str:
    """Hours shown as days, one decimal."""
    return present.num(present.in_days(hours), 1)


# Why a model was called, as the ledger records it (tapecut.ai.base.CallContext.purpose).
PURPOSES = {
    "embedding": _("Reading reports (embedding)"),
    "embed": _("Reading reports (embedding)"),
    "calibration": _("Calibrating the embedder"),
    "classification": _("Suggesting categories"),
    "theme_label": _("Naming themes"),
    "labels": _("Naming themes"),
    "summary": _("Summarising"),
    "eval": _("Quality checks"),
}


@register.filter
def purpose(value: str) -> str:
    """A ledger purpose in the language of the page (unknown ones as they are)."""
    if not value:
        return "–"
    return str(PURPOSES.get(value, value))
