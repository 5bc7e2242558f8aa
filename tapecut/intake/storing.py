"""Storing inbound bytes: every channel ends here, before anything is parsed.

The exact bytes are kept once (deduplicated by digest), encrypted when the mode protects the
sender, and a parse job is queued in the same transaction. Reading them back is here too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tapecut.core import audit, bulk, crypto, jobs, storage
from tapecut.core.models import Job
from tapecut.intake.addresses import normalise
from tapecut.intake.models import InboundMessage, Mode
from tapecut.intake.thread_mode import protected_thread_modes

log = logging.getLogger(__name__)

PARSE_JOB = "intake.parse"


def mode_for_recipients(recipients: Iterable[str], requested: str | None = None) -> str:
    """Mail to an anonymous address is anonymous whatever else was asked for."""
    rcpts = {normalise(r) for r in recipients}
    if rcpts & set(settings.TAPECUT_ANONYMOUS_RECIPIENTS):
        return Mode.ANONYMOUS
    return requested or settings.TAPECUT_DEFAULT_MODE


def do_store_inbound(
    raw: bytes,
    *,
    channel: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    mode: str | None = None,
    extra: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> tuple[InboundMessage, bool]:
    """Store the exact bytes once; return the message and whether it is new.

    Raises ``storage.StoreFull`` or a database error when the bytes could not be kept: the
    caller must then not acknowledge the message.
    """
    arrival = Arrival(raw, channel, envelope_from, tuple(envelope_to), mode, extra)
    msg = _build_inbound(arrival, _modes([arrival])[0])
    existing = InboundMessage.objects.filter(sha256=msg.sha256).order_by().first()
    if existing is not None:
        return existing, False
    _put_large(msg)
    try:
        with transaction.atomic():
            msg.save()
            if enqueue:
                jobs.enqueue(PARSE_JOB, {"inbound_id": msg.pk}, key=f"parse:{msg.pk}")
    except IntegrityError:
        # Another process stored the same bytes a moment ago.
        return InboundMessage.objects.get(sha256=msg.sha256), False
    _log_stored(msg)
    return msg, True


@dataclass(frozen=True)
class Arrival:
    """One message as a channel received it, for ``do_store_inbound_many`` and ``store_many``."""

    raw: bytes
    channel: str
    envelope_from: str = ""
    envelope_to: tuple[str, ...] = ()
    mode: str | None = None
    extra: dict[str, Any] | None = None


def do_store_inbound_many(arrivals: list[Arrival]) -> list[tuple[int, bool] | Exception]:
    """Store several messages with a handful of statements (group commit for the SMTP server).

    Call it inside one transaction; per message the result is ``(id, new)`` or the exception
    that kept it from being stored (e.g. ``StoreFull``). A database error is raised for all.
    """
    return [r if isinstance(r, Exception) else (r[0].pk, r[1]) for r in store_many(arrivals)]


def store_many(
    arrivals: list[Arrival], *, enqueue: bool = True
) -> list[tuple[InboundMessage, bool] | Exception]:
    """``do_store_inbound_many`` with the messages themselves (those stored before as they are).

    Bytes that arrive twice are stored once: the second gets the first's message, not new.
    """
    return write_many(build_many(arrivals), enqueue=enqueue)


def build_many(arrivals: list[Arrival]) -> list[InboundMessage | Exception]:
    """Each arrival ready to insert (digest, encryption, large bytes in the store), or the
    ``StoreFull`` that kept its bytes out. Needs no transaction: the SMTP server runs it before
    it takes its turn to write, so that one thread prepares while another commits."""
    built: list[InboundMessage | Exception] = []
    for a, mode in zip(arrivals, _modes(arrivals), strict=True):
        try:
            msg = _build_inbound(a, mode)
            _put_large(msg)
            built.append(msg)
        except storage.StoreFull as exc:
            built.append(exc)
    return built


def write_many(
    built: list[InboundMessage | Exception], *, enqueue: bool = True
) -> list[tuple[InboundMessage, bool] | Exception]:
    """The rows of ``build_many``'s messages, those stored before found again (in a transaction)."""
    digests = {m.sha256 for m in built if isinstance(m, InboundMessage)}
    known: dict[str, InboundMessage] = {}
    seen = _known_digests(digests)
    if seen:
        stored = InboundMessage.objects.filter(sha256__in=seen).defer("raw_inline").order_by()
        known = {m.sha256: m for m in stored}
    fresh: dict[str, InboundMessage] = {}
    for m in built:
        if isinstance(m, InboundMessage) and m.sha256 not in known and m.sha256 not in fresh:
            fresh[m.sha256] = m
    bulk.insert_new(list(fresh.values()))
    if enqueue:
        now = timezone.now()
        bulk.insert(
            [
                Job(
                    kind=PARSE_JOB, payload={"inbound_id": m.pk}, key=f"parse:{m.pk}", run_after=now
                )
                for m in fresh.values()
            ]
        )
    results: list[tuple[InboundMessage, bool] | Exception] = []
    for m in built:
        if not isinstance(m, InboundMessage):
            results.append(m)
        elif fresh.get(m.sha256) is m:
            results.append((m, True))
        else:
            results.append((known.get(m.sha256) or fresh[m.sha256], False))
    return results


def _known_digests(digests: set[str]) -> set[str]:
    """Which of ``digests`` are stored already: one plain query per chunk, no ORM query built
    (most groups of the SMTP receiver find none, and building one was a tenth of its write)."""
    if not digests:
        return set()
    quote = connection.ops.quote_name
    table = quote(InboundMessage._meta.db_table)
    column = quote(InboundMessage._meta.get_field("sha256").column)
    found = set[str]()
    with connection.cursor() as cursor:
        for chunk in bulk.chunks(sorted(digests)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", list(chunk))  # noqa: S608 - names from the model, values bound
            found.update(row[0] for row in cursor.fetchall())
    return found


def _modes(arrivals: list[Arrival]) -> list[str]:
    """The mode each message is stored in (by its recipients, else as asked); a reply that
    refers to a protected report is protected before a byte is written."""
    modes = [mode_for_recipients(a.envelope_to, a.mode) for a in arrivals]
    named = [i for i, mode in enumerate(modes) if mode == Mode.NAMED]
    found = protected_thread_modes([arrivals[i].raw for i in named])
    for i, mode in zip(named, found, strict=True):
        modes[i] = mode or modes[i]
    return modes


def _build_inbound(arrival: Arrival, mode: str) -> InboundMessage:
    raw, envelope_from, extra = arrival.raw, arrival.envelope_from, arrival.extra
    recipients = list(arrival.envelope_to)
    protect = mode != Mode.NAMED
    digest = crypto.keyed_hash(raw) if protect else storage.sha256_hex(raw)
    stored = crypto.encrypt(raw) if protect else raw
    inline = len(stored) <= settings.TAPECUT_INLINE_RAW_MAX
    msg = InboundMessage(
        sha256=digest,
        channel=arrival.channel,
        mode=mode,
        envelope_from="" if protect else envelope_from,
        envelope_to=list(dict.fromkeys(recipients)),  # each recipient once, in order
        envelope_extra=_protect_extra(extra or {}, protect),
        received_at=timezone.now(),
        size=len(raw),
        raw_inline=stored if inline else None,
        encrypted=protect,
    )
    if protect and envelope_from:
        msg.envelope_extra["sender_ciphertext"] = crypto.encrypt(envelope_from.encode()).decode()
    # Held until _put_large writes it to the store (before the row is committed).
    msg._large_bytes = None if inline else stored  # type: ignore[attr-defined]
    return msg


def _put_large(msg: InboundMessage) -> None:
    data = getattr(msg, "_large_bytes", None)
    if data is not None:
        storage.put_blob(data, msg.sha256)


def _log_stored(msg: InboundMessage) -> None:
    # Never the sender, not even masked: a named message may turn out to answer a protected one.
    log.info("stored inbound %s via %s (%d bytes)", msg.pk, msg.channel, msg.size)


# Envelope details that never name the sender; every other one is encrypted for protected mail
# (an mbox "From " line, an import path with a person's folder, a client address …).
SAFE_EXTRA_KEYS = frozenset(
    {"demo", "format", "mbox_index", "imap_folder", "imap_uid", "sender_ciphertext"}
)


def _protect_extra(extra: dict[str, Any], protect: bool) -> dict[str, Any]:
    if not protect:
        return dict(extra)
    return {
        k: (v if k in SAFE_EXTRA_KEYS else crypto.encrypt(str(v).encode()).decode())
        for k, v in extra.items()
    }


def do_protect_inbound(msg: InboundMessage, mode: str) -> None:
    """Re-store a named message encrypted, because it turned out to belong to a protected thread.

    Runs inside the caller's transaction; the plain copy in the store goes only after commit.
    """
    if msg.encrypted:
        return
    raw = raw_bytes(msg)
    old_digest, had_blob = msg.sha256, msg.raw_inline is None
    stored = crypto.encrypt(raw)
    msg.sha256 = crypto.keyed_hash(raw)
    inline = len(stored) <= settings.TAPECUT_INLINE_RAW_MAX
    if not inline:
        storage.put_blob(stored, msg.sha256)
    msg.raw_inline = stored if inline else None
    extra = _protect_extra(msg.envelope_extra, True)
    if msg.envelope_from:
        extra["sender_ciphertext"] = crypto.encrypt(msg.envelope_from.encode()).decode()
    msg.envelope_extra, msg.envelope_from = extra, ""
    msg.mode, msg.encrypted = mode, True
    msg.save(
        update_fields=[
            "sha256",
            "raw_inline",
            "envelope_extra",
            "envelope_from",
            "mode",
            "encrypted",
        ]
    )
    if had_blob:
        transaction.on_commit(lambda: storage.blob_path(old_digest).unlink(missing_ok=True))
    audit.record("inbound.protect", msg, mode=mode)


def raw_bytes(msg: InboundMessage) -> bytes:
    """The original bytes (decrypted where stored encrypted)."""
    data = msg.stored_bytes()
    return crypto.decrypt(data) if msg.encrypted else data
