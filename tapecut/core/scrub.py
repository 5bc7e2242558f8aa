"""Scrubbing mail addresses out of what is logged or stored as an error.

Mail servers put the recipient into their refusals (``SMTPRecipientsRefused`` carries a dict
keyed by the address, a 550 answer repeats it), and a traceback prints the exception's
arguments. For a protected reporter that would put their address into a log line, a job's
``last_error`` or a notice's ``error``. So every error text passes ``scrub`` before it is kept,
and every log record of every logger passes it as it is made (``install_log_scrubber``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ADDRESS_PLACEHOLDER = "[address]"
SCRUBBED = "[scrubbed]"

# Loose on purpose: anything that looks like local@domain.tld, including quoted and
# bracketed forms and non-ASCII letters. A false positive costs a little log detail.
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def scrub(text: str, *known: str) -> str:
    """``text`` without anything that looks like a mail address and without ``known`` parts.

    ``known`` are what the caller knows names the person (their address, its local part and
    domain, their name); each is replaced wherever it appears, whatever its case.
    """
    out = _ADDRESS.sub(ADDRESS_PLACEHOLDER, text)
    for token in sorted({k for k in known if k and len(k) >= 3}, key=len, reverse=True):
        out = re.sub(re.escape(token), SCRUBBED, out, flags=re.IGNORECASE)
    return out


def address_parts(address: str) -> tuple[str, ...]:
    """An address and the parts of it that name someone on their own."""
    local, _, domain = address.partition("@")
    return tuple(p for p in (address, local, domain) if p)


def describe(exc: BaseException, *known: str) -> str:
    """One line for an exception, scrubbed: its class name and its message."""
    return f"{type(exc).__name__}: {scrub(str(exc), *known)}"[:2000]


class DeliveryFailed(OSError):
    """A mail was not accepted. The message is scrubbed; the original exception is dropped
    (``from None``), so that no traceback prints its arguments."""


@contextmanager
def scrubbed_errors(address: str, *known: str) -> Iterator[None]:
    """Send mail inside this: any failure comes out as ``DeliveryFailed`` with a scrubbed text."""
    try:
        yield
    except Exception as exc:
        raise DeliveryFailed(describe(exc, *address_parts(address), *known)) from None


def _scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:
        return record
    record.msg, record.args = scrub(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = scrub(text)
    return record


_installed = False


def install_log_scrubber() -> None:
    """Make every log record of this process pass ``scrub`` when it is created (once)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrub_record(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
