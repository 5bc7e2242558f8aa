"""The SMTP receiver: a thin aiosmtpd handler that stores raw bytes and answers after the commit.

It rejects early what it will never take (unknown recipient, too big, a sender over its rate) and
never answers ``250`` for a message that is not committed: when the database or the store cannot
keep the bytes, the sending server gets a ``4xx`` and tries again later. Parsing happens in the
job worker, never here. ``tapecut.intake.smtp_server`` runs it.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import Error as DatabaseError

from tapecut.core.storage import StoreFull
from tapecut.intake.addresses import PLAIN_ADDRESS, mask, normalise

if TYPE_CHECKING:
    from tapecut.intake.smtp_server import StoreWorkers

log = logging.getLogger(__name__)

OK = "250 2.0.0 OK"
OK_SENDER = "250 2.1.0 OK"
OK_RECIPIENT = "250 2.1.5 OK"
UNKNOWN_RECIPIENT = "550 5.1.1 Unknown recipient"
TOO_BIG = "552 5.3.4 Message too big"
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, try again later"
STORE_FULL = "452 4.3.1 Insufficient storage"
SLOW_DOWN = "450 4.7.1 Too many messages from this sender, slow down"
SHUTTING_DOWN = "421 4.3.2 Service shutting down, try again later"

# aiosmtpd enforces the size limit itself (advertised as SIZE, checked at MAIL FROM SIZE= and
# while reading DATA, without buffering the excess); only its wording is replaced.
_AIOSMTPD_REPLIES = {
    "552 Error: message size exceeds fixed maximum message size": TOO_BIG,
    "552 Error: Too much mail data": TOO_BIG,
}


class SenderThrottle:
    """A token bucket per envelope sender, in this process only.

    Each sender may send ``burst`` messages at once and ``rate`` a minute after that; others are
    unaffected. A rate of 0 turns the throttle off.
    """

    MAX_SENDERS = 10_000

    def __init__(self, rate_per_minute: float, burst: int) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = max(1, burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, sender: str, now: float | None = None) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        key = normalise(sender) or sender.strip().lower()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > self.MAX_SENDERS:
                self._forget_full(now)
        return allowed

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled completely says nothing a fresh one would not.
        self._buckets = {
            key: (tokens, last)
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate < self.burst
        }


def accepted_recipients() -> frozenset[str]:
    return frozenset(
        normalise(a)
        for a in [*settings.TAPECUT_RECIPIENTS, *settings.TAPECUT_ANONYMOUS_RECIPIENTS]
        if normalise(a)
    )


# Senders are never logged, not even masked: at this point nobody knows yet whether the message
# belongs to a protected report (a reply to the wrong address, a second copy of one).


def store_message(raw: bytes, sender: str, recipients: list[str]) -> tuple[int, bool]:
    """Store and commit one message (runs in a store thread); return its id and whether new."""
    from tapecut.intake.storing import do_store_inbound

    msg, created = do_store_inbound(
        raw, channel="smtp", envelope_from=sender, envelope_to=recipients
    )
    return msg.pk, created


def prepare_messages(batch: list[tuple[bytes, str, list[str]]]) -> list[Any]:
    """Group commit, first half: each message made ready to insert, outside any transaction."""
    from tapecut.intake.storing import Arrival, build_many

    return build_many([Arrival(raw, "smtp", sender, tuple(rcpts)) for raw, sender, rcpts in batch])


def store_prepared(built: list[Any]) -> list[tuple[int, bool] | Exception]:
    """Group commit, second half, in the caller's transaction: the rows; per message ``(id, new)``
    or the exception that kept it out (``StoreFull``)."""
    from tapecut.intake.storing import write_many

    return [r if isinstance(r, Exception) else (r[0].pk, r[1]) for r in write_many(built)]


class IntakeHandler:
    """aiosmtpd hooks: check the envelope, then hand the bytes to a store thread."""

    def __init__(self, workers: StoreWorkers, throttle: SenderThrottle | None = None) -> None:
        self.workers = workers
        self.throttle = throttle or SenderThrottle(
            settings.TAPECUT_SMTP_SENDER_RATE, settings.TAPECUT_SMTP_SENDER_BURST
        )
        self.recipients = accepted_recipients()
        self.max_bytes = settings.TAPECUT_MAX_MESSAGE_BYTES
        self.closing = False
        self.active = 0

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.closing:
            return SHUTTING_DOWN
        if not self.throttle.allow(address):
            log.info("450: a sender over its rate")
            return SLOW_DOWN
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return OK_SENDER

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        recipient = normalise(address)
        if recipient not in self.recipients:
            log.info("550 for %s", mask(address))
            return UNKNOWN_RECIPIENT
        if recipient not in envelope.rcpt_tos:  # the same RCPT 10,000 times is one recipient
            envelope.rcpt_tos.append(recipient)
            envelope.rcpt_options.extend(options)
        return OK_RECIPIENT

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.closing:
            return SHUTTING_DOWN
        raw = envelope.original_content or b""
        sender = "" if envelope.mail_from in (None, "<>") else str(envelope.mail_from)
        if len(raw) > self.max_bytes:
            log.info("552: %d bytes", len(raw))
            return TOO_BIG
        self.active += 1
        try:
            return await self._store(raw, sender, list(envelope.rcpt_tos))
        finally:
            self.active -= 1

    async def _store(self, raw: bytes, sender: str, recipients: list[str]) -> str:
        try:
            pk, created = await self.workers.call(store_message, raw, sender, recipients)
        except StoreFull:
            log.error("452: the message store is full")
            return STORE_FULL
        except DatabaseError as exc:
            log.error("451: the database could not store the message: %s", exc)
            return TEMPORARY_FAILURE
        except Exception:
            # Ours, whatever it is: the sender keeps the message and tries again.
            log.exception("451: storing failed")
            return TEMPORARY_FAILURE
        if not created:
            log.info("inbound %s arrived again; already stored", pk)
        return OK


# ``<local@host>`` with a plain address, then the parameters: what nearly every client sends.
_PLAIN_PATH = re.compile(rf"<({PLAIN_ADDRESS})>")


class IntakeSMTP(SMTP):
    """aiosmtpd's protocol with our wording for size refusals."""

    # Lines longer than RFC 5321 allows still arrive from sloppy clients; keep them rather than
    # bounce a report for its formatting. The buffer is per connection.
    line_length_limit = 64 * 1024

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        kwargs.setdefault("data_size_limit", settings.TAPECUT_MAX_MESSAGE_BYTES)
        kwargs.setdefault("enable_SMTPUTF8", True)
        # getfqdn() may wait on DNS; the host name is enough for the greeting.
        kwargs.setdefault("hostname", socket.gethostname())
        # The greeting names no software or version (aiosmtpd's says "Python SMTP 1.4.6").
        kwargs.setdefault("ident", "ESMTP")
        super().__init__(handler, **kwargs)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """The address of MAIL FROM and RCPT TO, and the parameters after it.

        aiosmtpd reads it with the standard library's RFC 5322 header parser, which took about
        a quarter of the receiver's time (``tapecut bench smtp``, sampled with py-spy). A plain
        ``<local@host>`` gives what that parser gives (a property test holds them together);
        anything else (quotes, comments, a null path, an address literal, non-ASCII) still goes
        through it."""
        match = _PLAIN_PATH.match(arg)
        if match is None:
            return super()._getaddr(arg)
        rest = arg[match.end() :].lstrip(" \t")
        if rest.startswith("("):  # a comment: the full parser skips it
            return super()._getaddr(arg)
        address = match.group(1)
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            status = _AIOSMTPD_REPLIES.get(status, status)
        await super().push(status)
