"""The team's cost figures: every change of a factor goes through here and into the audit trail."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tapecut.analysis.models import Theme
from tapecut.core import audit
from tapecut.insights.models import CostFactor
from tapecut.triage.models import Change

MAX_VALUE = Decimal("1000000000")


class CostError(ValueError):
    """A figure the cost model cannot take; the message says why."""


def parse_value(raw: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise CostError(_("Enter a number, like 12.50.")) from None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise CostError(_("Enter a number between 0 and 1,000,000,000."))
    return value


def _target(obj: Theme | Change) -> dict[str, Any]:
    return {"theme": obj} if isinstance(obj, Theme) else {"change": obj}


def do_set_cost_factor(
    obj: Theme | Change, name: str, raw: str, *, actor: Any, note: str = ""
) -> CostFactor | None:
    """Set the team's figure for one factor; an empty value goes back to the estimate."""
    if name not in CostFactor.Name.values:
        raise CostError(f"unknown factor {name!r}")
    target = _target(obj)
    with transaction.atomic():
        old = CostFactor.objects.filter(**target, name=name).first()
        if not str(raw).strip():
            if old is not None:
                old.delete()
                audit.record(
                    "cost.factor", obj, actor=actor, factor=name, old=str(old.value), new=None
                )
            return None
        value = parse_value(raw)
        row, _created = CostFactor.objects.update_or_create(
            **target,
            name=name,
            defaults={
                "value": value,
                "note": note.strip()[:300],
                "set_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        audit.record(
            "cost.factor",
            obj,
            actor=actor,
            factor=name,
            old=str(old.value) if old else None,
            new=str(value),
            note=row.note,
        )
    return row
