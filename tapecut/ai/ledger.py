"""How backends write to the ledger: one ``call`` block around each model call.

The Django side lives in ``tapecut.ledger``; it is imported only when a call is recorded, so
that importing a backend never needs the app registry.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tapecut.ai import prices
from tapecut.ai.base import CallContext


@dataclass
class Usage:
    """Filled in by the backend inside a ``call`` block from what the provider reported."""

    tokens_in: int = 0
    tokens_out: int = 0


@contextmanager
def call(
    backend: str, model: str, ctx: CallContext, *, items: int, billable: bool
) -> Iterator[Usage]:
    """Time the block and record it, as a failure too when it raises (then re-raise)."""
    usage = Usage()
    start = time.perf_counter()
    try:
        yield usage
    except Exception as exc:
        _record(backend, model, ctx, usage, start, items, billable, f"{type(exc).__name__}: {exc}")
        raise
    _record(backend, model, ctx, usage, start, items, billable, "")


def _record(
    backend: str,
    model: str,
    ctx: CallContext,
    usage: Usage,
    start: float,
    items: int,
    billable: bool,
    error: str,
) -> None:
    from tapecut.ledger.actions import do_record_call

    cost = prices.cost_usd(model, usage.tokens_in, usage.tokens_out) if billable else Decimal(0)
    do_record_call(
        backend=backend,
        model=model,
        purpose=ctx.purpose,
        items=items,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost_usd=cost,
        latency_ms=round((time.perf_counter() - start) * 1000),
        report_id=ctx.report_id,
        theme_id=ctx.theme_id,
        ok=not error,
        error=error,
    )


def record_call(**fields: Any) -> Any:
    """Add a ledger row directly (``tapecut.ledger.actions.do_record_call``'s arguments)."""
    from tapecut.ledger.actions import do_record_call

    return do_record_call(**fields)
