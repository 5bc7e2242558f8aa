"""Group commit: several messages stored with one transaction, each accounted for."""

from __future__ import annotations

import pytest
from django.db import transaction

from tapecut.core import storage
from tapecut.core.models import Job
from tapecut.intake.models import InboundMessage
from tapecut.intake.storing import Arrival, do_store_inbound, do_store_inbound_many

RCPT = ("bureaucracy@corp.example",)


def _mail(n: int) -> bytes:
    head = f"From: a{n}@example.org\r\nSubject: form {n}\r\n\r\n"
    return (head + f"The form needs {n} stamps.\r\n").encode()


@pytest.mark.django_db
def test_new_known_and_repeated_messages_in_one_group() -> None:
    known_id = do_store_inbound(_mail(0), channel="smtp", envelope_to=RCPT)[0].pk
    batch = [Arrival(_mail(n), "smtp", f"a{n}@example.org", RCPT) for n in (0, 1, 2, 1)]
    with transaction.atomic():
        results = do_store_inbound_many(batch)
    assert results[0] == (known_id, False)
    assert isinstance(results[1], tuple) and results[1][1] is True
    assert isinstance(results[2], tuple) and results[2][1] is True
    assert results[3] == (results[1][0], False)
    assert InboundMessage.objects.count() == 3
    for result in results[1:3]:
        assert isinstance(result, tuple)
        msg = InboundMessage.objects.get(pk=result[0])
        assert msg.stored_bytes() == _mail(int(msg.envelope_from[1]))
        assert Job.objects.filter(key=f"parse:{msg.pk}", state="pending").exists()


@pytest.mark.django_db
def test_a_full_store_fails_only_its_own_message(monkeypatch, settings) -> None:
    settings.TAPECUT_INLINE_RAW_MAX = 100
    big = _mail(7) + b"x" * 500

    def full(*args, **kwargs):
        raise storage.StoreFull(28, "full")

    monkeypatch.setattr(storage, "put_blob", full)
    small = b"Subject: s\r\n\r\nok\r\n"
    with transaction.atomic():
        results = do_store_inbound_many([Arrival(big, "smtp"), Arrival(small, "smtp")])
    assert isinstance(results[0], storage.StoreFull)
    assert isinstance(results[1], tuple) and results[1][1] is True
    assert InboundMessage.objects.count() == 1
