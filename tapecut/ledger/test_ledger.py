from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, transaction
from django.test import override_settings

from tapecut.core.models import AuditEvent
from tapecut.ledger import actions, budget
from tapecut.ledger.models import ModelCall

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_record_call_keeps_what_the_call_was_for():
    row = actions.record_call(
        backend="openai:gpt-4o-mini",
        model="gpt-4o-mini",
        purpose="theme_label",
        tokens_in=400,
        tokens_out=40,
        cost_usd=Decimal("0.000084"),
        latency_ms=812,
        theme_id=7,
        error="x" * 5000,
        ok=False,
    )
    assert row is not None
    row.refresh_from_db()
    assert (row.theme_id, row.report_id, row.ok) == (7, None, False)
    assert row.cost_usd == Decimal("0.000084") and len(row.error) == actions.ERROR_MAX_CHARS


@override_settings(TIME_ZONE="Europe/Berlin")
def test_month_spend_counts_this_month_only_in_local_time():
    def at(month: int, day: int, hour: int, minute: int) -> datetime:
        return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)

    for when, cost in [(at(10, 31, 23, 30), "5"), (at(11, 1, 0, 30), "1.25")]:
        row = actions.record_call(backend="b", cost_usd=Decimal(cost))
        assert row is not None
        ModelCall.objects.filter(pk=row.pk).update(at=when)
    actions.record_call(backend="local", items=64)

    now = at(11, 20, 12, 0)
    assert budget.month_spend(now) == Decimal("1.25")
    assert budget.month_spend(at(10, 31, 23, 59)) == Decimal(5)
    with override_settings(TAPECUT_AI_MONTHLY_BUDGET_USD=1.25):
        status = budget.budget_status(now)
    assert (status.month, status.reached, status.remaining_usd) == ("2026-11", True, 0)
    with override_settings(TAPECUT_AI_MONTHLY_BUDGET_USD=2.0):
        assert budget.budget_status(now).remaining_usd == Decimal("0.75")


def test_a_ledger_that_cannot_be_written_does_not_break_the_caller(monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise DatabaseError("no such table: ledger_modelcall")

    AuditEvent.objects.create(verb="before")
    with transaction.atomic():
        monkeypatch.setattr(ModelCall, "save", broken)
        assert actions.record_call(backend="b") is None
        AuditEvent.objects.create(verb="after")  # the outer transaction still works
    assert AuditEvent.objects.filter(verb__in=["before", "after"]).count() == 2


def test_the_budget_reached_event_is_written_once_a_month():
    args = {"spent_usd": Decimal(51), "limit_usd": Decimal(50)}
    assert actions.do_note_budget_reached("2026-11", **args) is True
    assert actions.do_note_budget_reached("2026-11", **args) is False
    assert actions.do_note_budget_reached("2026-12", **args) is True
    event = AuditEvent.objects.filter(verb=actions.BUDGET_REACHED).order_by("id").first()
    assert event is not None
    assert event.detail == {"month": "2026-11", "spent_usd": "51", "limit_usd": "50"}
