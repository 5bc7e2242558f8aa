"""Every write to the ledger goes through these ``do_*`` functions."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import DatabaseError, transaction

from tapecut.core import audit
from tapecut.core.audit import AuditVerb
from tapecut.core.models import AuditEvent
from tapecut.ledger.models import ModelCall

log = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000
BUDGET_REACHED = AuditVerb.AI_BUDGET_REACHED
_warned = False


def do_record_call(
    *,
    backend: str,
    model: str = "",
    purpose: str = "",
    items: int = 1,
    tokens_in: int = 0,
    tokens_out: int = 0,
    cost_usd: Decimal = Decimal(0),
    latency_ms: int = 0,
    report_id: int | None = None,
    theme_id: int | None = None,
    ok: bool = True,
    error: str = "",
) -> ModelCall | None:
    """Add one ledger row; return it, or None when the database could not take it.

    The row is the audit record of the call, so no AuditEvent is written as well (that would
    double every write of the embedding stage). A ledger that cannot be written (no migrations
    yet, a read-only replica) must not lose the caller's result: the failure is logged, once.
    """
    row = ModelCall(
        backend=backend[:100],
        model=model[:200],
        purpose=purpose[:64],
        items=max(0, items),
        tokens_in=max(0, tokens_in),
        tokens_out=max(0, tokens_out),
        cost_usd=cost_usd,
        latency_ms=max(0, latency_ms),
        report_id=report_id,
        theme_id=theme_id,
        ok=ok,
        error=error[:ERROR_MAX_CHARS],
    )
    try:
        # A savepoint, so that a failed insert does not poison the caller's transaction.
        with transaction.atomic():
            row.save()
    except DatabaseError as exc:
        _warn_once(exc)
        return None
    return row


record_call = do_record_call


def do_note_budget_reached(month: str, *, spent_usd: Decimal, limit_usd: Decimal) -> bool:
    """Write the audit event "budget reached" once per month; return whether it was new."""
    already = AuditEvent.objects.filter(verb=BUDGET_REACHED, detail__month=month).exists()
    if already:
        return False
    audit.record(
        BUDGET_REACHED,
        actor_label="system",
        month=month,
        spent_usd=str(spent_usd),
        limit_usd=str(limit_usd),
    )
    return True


def _warn_once(exc: DatabaseError) -> None:
    global _warned
    if not _warned:
        log.warning("model call not recorded in the ledger (%s); is the database migrated?", exc)
        _warned = True
