"""Parsing an import's next batch in a helper process while this one writes the last.

Parsing is pure CPU on bytes already in hand and needs no database, so ``tapecut import`` hands
each batch's bytes to one helper process and writes the batch before it meanwhile: on a machine
with a core to spare the import costs its writes, not its writes plus its parsing. What the
helper sends back is what ``parse_message_tree`` made of each message, its refusal, or None
where the parser itself failed, exactly as a parse in this process would give, with a report's
language guessed as well (the report keeps that guess where its text is stored as parsed).

Nothing depends on the helper. Where the machine has one core or processes cannot be forked,
there is none. Where the helper dies (killed, out of memory), the batch is parsed here and the
import goes on without a helper; where one batch's reads cannot come back (they cannot be
pickled), that batch is parsed here. The bytes were read by this process and are stored by it
whatever the helper does.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from email.message import Message
from types import TracebackType

from tapecut.core.language import guess_language
from tapecut.core.orphans import die_with_parent
from tapecut.intake.parsing import MessageRejected, ParsedMessage, parse_message_tree

log = logging.getLogger(__name__)

Read = tuple[ParsedMessage, Message] | MessageRejected | None


def read_one(raw: bytes, *, guess: bool = False) -> Read:
    """What the parser read, its refusal, or None where the parser itself failed (the message
    is then parsed again where it is processed, and quarantined with the error). ``guess``: a
    report's language is guessed too (``ParsedMessage.language``)."""
    try:
        parsed, tree = parse_message_tree(raw)
    except MessageRejected as exc:
        return exc
    except Exception:
        return None
    if guess and parsed.is_report:
        text = " ".join([parsed.subject, parsed.text])
        parsed = dataclasses.replace(parsed, language=guess_language(text))
    return parsed, tree


def read_all(raws: list[bytes], *, guess: bool = False) -> list[Read]:
    return [read_one(raw, guess=guess) for raw in raws]


def read_ahead(raws: list[bytes]) -> list[Read]:
    """The helper's work: each message parsed and, where it is a report, its language guessed."""
    return read_all(raws, guess=True)


def _helper_starts(parent_pid: int) -> None:
    """In the helper: end with the import; leave Ctrl-C to the import, which stops the helper
    once the batch in hand is parsed (no traceback from the helper on the terminal)."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_helpers() -> int:
    """One helper where this process may use more than one core, none otherwise."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 1 if cores > 1 else 0


@dataclass
class Pending:
    """A batch handed to the helper (``future``) or to be parsed here (``future`` None)."""

    raws: list[bytes]
    future: Future[list[Read]] | None = None


class ParseAhead:
    """``with ParseAhead(helpers) as ahead: pending = ahead.submit(raws); ahead.reads(pending)``."""

    def __init__(self, helpers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if helpers > 0 and "fork" in multiprocessing.get_all_start_methods():
            # Forked, not spawned: the helper starts at once with the parser already imported,
            # and it never touches the database connection it inherits.
            # It ends with the import, however that ends (SIGKILL included).
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                max_workers=helpers,
                mp_context=context,
                initializer=_helper_starts,
                initargs=(os.getpid(),),
            )

    @property
    def helping(self) -> bool:
        return self._pool is not None

    def submit(self, raws: list[bytes]) -> Pending:
        if self._pool is None:
            return Pending(raws)
        try:
            return Pending(raws, self._pool.submit(read_ahead, raws))
        except Exception as exc:  # the pool broke before this batch (a helper died)
            self._give_up(exc)
            return Pending(raws)

    def reads(self, pending: Pending) -> list[Read]:
        """The batch's reads, from the helper or, where it failed, parsed here."""
        if pending.future is not None:
            try:
                reads = pending.future.result()
                if len(reads) == len(pending.raws):
                    return reads
                count, wanted = len(reads), len(pending.raws)
                log.warning("the parsing helper sent %d reads for %d messages", count, wanted)
            except BrokenProcessPool as exc:  # the helper died: go on without it
                self._give_up(exc)
            except Exception as exc:  # this batch's reads could not come back (e.g. pickling)
                # The kind of failure only: its text could quote what a message holds.
                log.warning("the parsing helper failed on a batch (%s); parsed here", _kind(exc))
        return read_all(pending.raws)

    def _give_up(self, exc: BaseException) -> None:
        log.warning("the parsing helper failed (%s); parsing in this process now", _kind(exc))
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _kind(exc: BaseException) -> str:
    return type(exc).__name__
