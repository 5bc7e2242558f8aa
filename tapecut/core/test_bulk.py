"""insert_new: rows written as bulk_create writes them, keys set in order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tapecut.core import bulk
from tapecut.core.models import Job
from tapecut.intake.models import InboundMessage


def _message(n: int) -> InboundMessage:
    return InboundMessage(
        sha256=f"{n:064x}",
        channel="smtp",
        envelope_to=[f"to{n}@corp.example", "ü@corp.example"],
        envelope_extra={"n": n, "nested": {"ok": True}},
        received_at=dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
        size=100 + n,
        raw_inline=b"\x00raw\r\n" * n,
    )


@pytest.mark.django_db
def test_new_rows_get_their_own_keys_and_read_back_equal() -> None:
    Job.objects.create(kind="other", run_after=timezone.now())  # keys do not start at 1
    msgs = [_message(n) for n in range(1, 4)]
    bulk.insert_new(msgs)
    assert all(m.pk is not None and not m._state.adding for m in msgs)
    for m in msgs:
        stored = InboundMessage.objects.get(pk=m.pk)
        assert stored.sha256 == m.sha256
        assert stored.envelope_to == m.envelope_to
        assert stored.envelope_extra == m.envelope_extra
        assert stored.received_at == m.received_at
        assert bytes(stored.raw_inline or b"") == m.raw_inline
        assert stored.state == InboundMessage.State.PENDING  # the model's default
    jobs = [Job(kind="k", payload={"inbound_id": m.pk}, run_after=timezone.now()) for m in msgs]
    bulk.insert_new(jobs)
    for job, m in zip(jobs, msgs, strict=True):
        stored_job = Job.objects.get(pk=job.pk)
        assert stored_job.payload == {"inbound_id": m.pk}
        assert stored_job.created_at is not None  # auto_now_add, as save() fills it


@pytest.mark.django_db
def test_more_rows_than_one_statement_takes_and_none_at_all() -> None:
    bulk.insert_new([])
    msgs = [_message(n) for n in range(1, 200)]
    bulk.insert_new(msgs)
    assert sorted(m.pk for m in msgs) == sorted(InboundMessage.objects.values_list("pk", flat=True))
    assert len({m.pk for m in msgs}) == 199
