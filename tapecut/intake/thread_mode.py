"""Whether arriving named mail answers a protected report, from its headers alone.

A message found so is encrypted on arrival (``storing``), so that its plain bytes never reach
the database file or its WAL. Only In-Reply-To and References are read here; the parser and
``processing.find_thread`` do the rest later.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import compat32

from tapecut.core import bulk
from tapecut.intake import identity
from tapecut.intake.mime_headers import first_id, message_ids
from tapecut.intake.models import MessageRef, Mode

# More than any real header block; a longer one is cut (the parser quarantines it anyway).
_HEADER_BYTES = 256 * 1024
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def protected_thread_modes(raws: list[bytes]) -> list[str | None]:
    """For each message, the mode of the protected report it answers, or None (one query for
    all of them)."""
    keys = [_thread_keys(raw) for raw in raws]
    wanted = sorted({key for each in keys for key in each})
    found: dict[str, tuple[int, str]] = {}
    for chunk in bulk.chunks(wanted):
        refs = (
            MessageRef.objects.filter(message_id__in=chunk)
            .exclude(report__mode=Mode.NAMED)
            .values_list("message_id", "pk", "report__mode")
        )
        found.update({message_id: (pk, mode) for message_id, pk, mode in refs})
    out: list[str | None] = []
    for each in keys:
        hits = [found[key] for key in each if key in found]
        out.append(str(min(hits)[1]) if hits else None)  # the oldest reference, as .first()
    return out


def _thread_keys(raw: bytes) -> list[str]:
    head = _HEAD_END.split(raw[:_HEADER_BYTES], maxsplit=1)[0]
    lowered = head.lower()
    if b"in-reply-to" not in lowered and b"references" not in lowered:
        return []  # most mail: no header block to parse
    headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    refs = [first_id(str(headers.get("In-Reply-To", "") or ""))]
    refs += message_ids(" ".join(str(v) for v in headers.get_all("References") or []))
    return identity.thread_keys([r for r in refs if r][:100])
