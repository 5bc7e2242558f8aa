"""Re-encrypting every ciphertext under the newest identity key (``tapecut rotate-keys``).

Each row is rewritten in its own small transaction, so the command can be stopped and started
again: a ciphertext already under the newest key is simply rotated once more. Blobs in the store
are replaced atomically (temporary file, fsync, rename), and an attachment's old blob is deleted
only after its row points at the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import transaction

from tapecut.core import crypto, storage
from tapecut.custody.models import PendingMail
from tapecut.intake.models import Attachment, InboundMessage, Reporter

BATCH = 200


def rotate_all() -> dict[str, int]:
    counts: Counter[str] = Counter()
    for kind in (_inbound, _reporters, _attachments, _pending_mail):
        for name, n in kind():
            counts[name] += n
    return dict(counts)


def _ids(queryset: Any) -> Iterator[int]:
    last = 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1]


def _inbound() -> Iterator[tuple[str, int]]:
    for pk in _ids(InboundMessage.objects.filter(encrypted=True)):
        with transaction.atomic():
            msg = InboundMessage.objects.select_for_update().get(pk=pk)
            if msg.raw_inline is not None:
                msg.raw_inline = crypto.rotate(bytes(msg.raw_inline))
            else:
                _replace_blob(msg.sha256, crypto.rotate(storage.get_blob(msg.sha256)))
            msg.envelope_extra, extras = _rotate_extra(msg.envelope_extra)
            msg.save(update_fields=["raw_inline", "envelope_extra"])
        yield "inbound messages", 1
        if extras:
            yield "envelope details", extras


def _rotate_extra(extra: dict[str, Any]) -> tuple[dict[str, Any], int]:
    out, n = dict(extra), 0
    for key, value in extra.items():
        if crypto.is_token(value):
            with contextlib.suppress(InvalidToken):
                out[key] = crypto.rotate(str(value).encode()).decode()
                n += 1
    return out, n


def _reporters() -> Iterator[tuple[str, int]]:
    for pk in _ids(Reporter.objects.filter(identity_ciphertext__isnull=False)):
        with transaction.atomic():
            reporter = Reporter.objects.select_for_update().get(pk=pk)
            if not reporter.identity_ciphertext:
                continue
            reporter.identity_ciphertext = crypto.rotate(bytes(reporter.identity_ciphertext))
            reporter.save(update_fields=["identity_ciphertext"])
        yield "reporter identities", 1


def _attachments() -> Iterator[tuple[str, int]]:
    for pk in _ids(Attachment.objects.filter(encrypted=True)):
        attachment = Attachment.objects.get(pk=pk)
        old = attachment.sha256
        new_data = crypto.rotate(storage.get_blob(old))
        new = storage.put_blob(new_data)
        Attachment.objects.filter(pk=pk, sha256=old).update(sha256=new)
        # Blobs are shared by content: delete the old one only when nothing else uses it.
        if not Attachment.objects.filter(sha256=old).exists():
            storage.blob_path(old).unlink(missing_ok=True)
        yield "attachments", 1


def _pending_mail() -> Iterator[tuple[str, int]]:
    for pk in _ids(PendingMail.objects.filter(sent_at__isnull=True)):
        with transaction.atomic():
            pending = PendingMail.objects.select_for_update().get(pk=pk)
            if not pending.ciphertext:
                continue
            pending.ciphertext = crypto.rotate(bytes(pending.ciphertext))
            pending.save(update_fields=["ciphertext"])
        yield "pending mail", 1


def _replace_blob(digest: str, data: bytes) -> None:
    """Overwrite a blob in place (its name is a keyed hash of the plaintext, not of the bytes)."""
    path = storage.blob_path(digest)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
