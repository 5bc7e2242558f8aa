"""Telling other apps about new reports and follow-ups, once what made them is committed.

A report is announced twice: once with the others of its batch on ``reports_created`` (receivers
with writes to make write them in bulk: analysis jobs, display copies), then on its own on
``report_created``. A message processed on its own is a batch of one. ``tapecut import`` holds
the announcements of a batch (``sending_in_transaction``) and sends them at its end, inside the
batch's transaction, so that the batch commits once with what its receivers write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import Message
from typing import Any

from django.db import transaction

from tapecut.intake.models import Report
from tapecut.intake.signals import report_created, reports_created


@dataclass(frozen=True)
class _Announcement:
    """A new report, and the raw message as the parser read it where it is at hand."""

    report: Report
    tree: Message | None = None

    def __call__(self) -> None:
        report_created.send(Report, report=self.report)


# Set by ``sending_in_transaction``: the signals wait there instead of for the commit.
_held: ContextVar[list[Callable[[], Any]] | None] = ContextVar("tapecut_held_signals", default=None)


def after_commit(send: Callable[[], Any]) -> None:
    """Send a signal once this message's transaction is committed (or where a batch says)."""
    held = _held.get()
    if held is None:
        transaction.on_commit(send)
    else:
        held.append(send)


def announce_report(report: Report, tree: Message | None = None) -> None:
    """Announce a new report once it is committed (``tree``: its raw message, parsed)."""
    item = _Announcement(report, tree)
    held = _held.get()
    if held is None:
        transaction.on_commit(lambda: send_all([item]))
    else:
        held.append(item)


def held_mark() -> int:
    """Where the held signals end now (for ``forget_since`` when a savepoint rolls back)."""
    held = _held.get()
    return len(held) if held is not None else 0


def forget_since(mark: int) -> None:
    # As Django forgets the on_commit hooks of a rolled-back savepoint.
    held = _held.get()
    if held is not None:
        del held[mark:]


@contextmanager
def sending_in_transaction() -> Iterator[list[Callable[[], Any]]]:
    """Hold the signals of what is processed inside; send them at the end, still inside the
    caller's transaction (``tapecut import``: a batch commits once with what its receivers
    queue, instead of a commit per receiver per report after it). Nothing is sent on error."""
    held: list[Callable[[], Any]] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)
    send_all(held)


def send_all(held: list[Callable[[], Any]]) -> None:
    """``reports_created`` once for all new reports, then each signal in the order it came."""
    new = [item for item in held if isinstance(item, _Announcement)]
    if new:
        trees = {item.report.pk: item.tree for item in new if item.tree is not None}
        reports_created.send(Report, reports=[item.report for item in new], trees=trees)
    for send in held:
        send()
