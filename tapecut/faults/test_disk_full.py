"""The message store's disk fills up while mail arrives.

Mail that no longer fits gets ``452`` (the sending server keeps it and retries); nothing is left
half-written: no temporary file, no blob that is not whole, no database row or parse job for a
refused message. Once there is room again the same receiver takes the refused mail.
"""

from __future__ import annotations

import random
import smtplib
from pathlib import Path

import pytest

from tapecut.core import storage
from tapecut.core.models import Job
from tapecut.devtools import smtpenv
from tapecut.faults.diskfull import full_disk
from tapecut.faults.flood import send
from tapecut.intake.models import InboundMessage
from tapecut.intake.smtp_server import ServerThread

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DISK = 256 * 1024
MESSAGE = 40 * 1024


def big_message(n: int) -> bytes:
    rng = random.Random(n)
    body = b""
    while len(body) < MESSAGE:
        body += smtpenv.message_body(rng)
    return smtpenv.message_head(f"disk{n}@faults.invalid", f"disk-{n}") + body


@pytest.mark.parametrize("tmpfs", [True, False], ids=["tmpfs-if-allowed", "simulated"])
def test_a_full_store_answers_452_and_leaves_nothing_half_written(
    settings, tmp_path: Path, tmpfs: bool
) -> None:
    store = tmp_path / "store"
    settings.TAPECUT_STORE_DIR = store
    settings.TAPECUT_INLINE_RAW_MAX = 1024  # every message goes to the store
    settings.TAPECUT_RECIPIENTS = [smtpenv.RECIPIENT]
    mail = [big_message(n) for n in range(12)]
    server = ServerThread()
    server.start()
    try:
        with (
            full_disk(store, DISK, tmpfs=tmpfs) as (how, grow),
            smtplib.SMTP("127.0.0.1", server.port, timeout=30) as smtp,
        ):
            assert tmpfs or how == "simulated"
            smtp.ehlo()
            codes = [send(smtp, "disk@faults.invalid", raw) for raw in mail]
            accepted = [raw for raw, code in zip(mail, codes, strict=True) if code == 250]
            refused = [raw for raw, code in zip(mail, codes, strict=True) if code == 452]
            assert_nothing_half_written(store, accepted, refused)
            grow(4 * DISK)
            assert send(smtp, "disk@faults.invalid", refused[0]) == 250
            assert InboundMessage.objects.count() == len(accepted) + 1
    finally:
        server.stop()

    first_refusal = codes.index(452)
    assert first_refusal >= 2  # the disk took some mail before it was full
    assert set(codes[first_refusal:]) == {452}
    assert set(codes[:first_refusal]) == {250}


def assert_nothing_half_written(store: Path, accepted: list[bytes], refused: list[bytes]) -> None:
    files = [p for p in store.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".tmp-")]
    # Every file in the store is a whole blob: its name is the hash of its bytes.
    assert all(storage.sha256_hex(p.read_bytes()) == p.name for p in files)
    assert {p.name for p in files} == {storage.sha256_hex(raw) for raw in accepted}
    assert set(InboundMessage.objects.values_list("sha256", flat=True)) == {
        storage.sha256_hex(raw) for raw in accepted
    }
    assert Job.objects.count() == len(accepted)
    assert refused, "the disk never filled up"
