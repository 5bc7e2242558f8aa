from decimal import Decimal

import pytest

from tapecut.ai import ledger
from tapecut.ai.base import CallContext

pytestmark = pytest.mark.django_db


def rows():
    from tapecut.ledger.models import ModelCall

    return list(ModelCall.objects.order_by("id"))


def test_a_call_block_records_success_and_failure_and_prices_only_paid_calls():
    ctx = CallContext("summary", report_id=5)
    with ledger.call("local", "some-model", ctx, items=3, billable=False) as usage:
        usage.tokens_in = 1_000_000
    with (
        pytest.raises(RuntimeError, match="boom"),
        ledger.call("paid", "gpt-4o-mini", ctx, items=1, billable=True) as usage,
    ):
        usage.tokens_in = 1_000_000
        raise RuntimeError("boom")

    free, failed = rows()
    assert (free.items, free.cost_usd, free.ok, free.report_id) == (3, 0, True, 5)
    assert failed.error == "RuntimeError: boom" and not failed.ok
    assert failed.cost_usd == Decimal("0.15")  # input tokens already spent are still charged


def test_record_call_writes_a_row_directly():
    row = ledger.record_call(backend="manual", purpose="import", items=10)
    assert row is not None and rows() == [row]
