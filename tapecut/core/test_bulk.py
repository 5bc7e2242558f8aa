"""``insert_new`` and ``insert``: rows written as bulk_create writes them, keys set in order."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone

from tapecut.core import bulk
from tapecut.core.models import Job
from tapecut.intake.models import InboundMessage, MessageRef, Report, Reporter
from tapecut.triage.models import OriginalCopy


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


SOON = timezone.now() + dt.timedelta(days=1)


def jobs(prefix: str, count: int) -> list[Job]:
    return [
        Job(kind="test.kind", payload={"n": n, "text": "ü"}, key=f"{prefix}:{n}", run_after=SOON)
        for n in range(count)
    ]


def row(obj: Any, *left_out: str) -> dict[str, Any]:
    data = model_to_dict(type(obj).objects.get(pk=obj.pk))
    return {k: v for k, v in data.items() if k not in {"id", *left_out}}


@pytest.mark.django_db
def test_the_rows_are_those_bulk_create_writes() -> None:
    ours, django = jobs("ours", 3), jobs("django", 3)
    bulk.insert(ours, set_pks=True)
    Job.objects.bulk_create(django)
    for a, b in zip(ours, django, strict=True):
        assert row(a, "key") == row(b, "key")
        assert Job.objects.get(pk=a.pk).key == a.key
    made = Job.objects.get(pk=ours[0].pk)
    assert made.created_at is not None and made.run_after == ours[0].run_after


@pytest.mark.django_db
def test_empty_json_values_are_prepared_once_and_read_back_as_each_row_had_them() -> None:
    msgs = [_message(n) for n in range(1, 5)]
    msgs[0].envelope_to, msgs[0].envelope_extra = [], {}
    msgs[1].envelope_to, msgs[1].envelope_extra = [], {"n": 2}
    msgs[2].envelope_to, msgs[2].envelope_extra = ["x@corp.example"], {}
    bulk.insert_new(msgs)
    stored = {m.pk: (m.envelope_to, m.envelope_extra) for m in InboundMessage.objects.all()}
    assert [stored[m.pk] for m in msgs] == [(m.envelope_to, m.envelope_extra) for m in msgs]
    assert bulk._shared_key("envelope_to", []) != bulk._shared_key("envelope_to", {})


@pytest.mark.django_db
def test_ids_come_back_in_order_across_statements() -> None:
    many = jobs("many", 250)  # more than one statement's parameters on SQLite
    bulk.insert(many, set_pks=True)
    assert [Job.objects.get(pk=j.pk).key for j in many] == [j.key for j in many]


@pytest.mark.django_db
def test_a_related_object_saved_after_it_was_assigned_gives_its_id() -> None:
    reporter = Reporter(address="a@example.org", address_hmac="h1")
    report = Report(reporter=reporter, subject="Form", received_at=timezone.now())
    bulk.insert([reporter], set_pks=True)
    bulk.insert([report], set_pks=True)
    bulk.insert([MessageRef(message_id="<m@example.org>", report=report)])
    assert Report.objects.get(pk=report.pk).reporter_id == reporter.pk
    assert MessageRef.objects.get(message_id="<m@example.org>").report_id == report.pk


@pytest.mark.django_db
def test_conflicts_are_ignored_or_update_the_row() -> None:
    bulk.insert(jobs("k", 2))
    bulk.insert(jobs("k", 3), ignore_conflicts=True)
    assert Job.objects.count() == 3
    msg = InboundMessage.objects.create(
        sha256="x", channel="import", received_at=timezone.now(), size=1
    )
    bulk.insert([OriginalCopy(inbound=msg, text="first", size=1)])
    again = OriginalCopy(inbound=msg, text="second", size=2, headers=[["Subject", "Hi"]])
    bulk.insert([again], update_conflicts=(["inbound"], ["text", "size", "headers"]))
    copy = OriginalCopy.objects.get()
    assert (copy.text, copy.size, copy.headers) == ("second", 2, [["Subject", "Hi"]])


@pytest.mark.django_db
def test_the_receivers_rows_take_the_short_way() -> None:
    # Raw bytes (a BinaryField) once sent InboundMessage quietly back to bulk_create.
    refused = mock.patch.object(QuerySet, "bulk_create", side_effect=AssertionError("slow way"))
    with refused:
        bulk.insert_new([_message(1)])
        bulk.insert_new([Job(kind="k", run_after=timezone.now())])
    assert InboundMessage.objects.count() == Job.objects.count() == 1
