"""Running an import: batches read, stored raw, parsed (ahead, in a helper) and processed.

Each message is stored raw, then processed at once with ``final=True``: a bulk import has no
one to retry for, so what cannot be understood is quarantined with a reason. Messages are read
in batches of at most BATCH_MESSAGES (and BATCH_BYTES), so memory stays flat however large the
corpus, and each batch is stored, processed and committed in one transaction with a few bulk
statements (tapecut.intake.batching). Where there is a core to spare, a helper process parses
the next batch while one is written (tapecut.intake.parse_ahead). Running the same import again
is safe: what was stored already is counted as ``already_stored`` and left alone.
``tapecut import`` (the management command) is the way in.
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from tqdm import tqdm

from tapecut.core.storage import StoreFull
from tapecut.intake import importing, parse_ahead
from tapecut.intake.announcing import sending_in_transaction
from tapecut.intake.batching import do_process_many
from tapecut.intake.models import Channel, InboundMessage
from tapecut.intake.storing import Arrival, store_many

log = logging.getLogger(__name__)

OUTCOME_KEYS = {
    "report": "reports",
    "reply": "replies",
    "non_report": "non_reports",
    "quarantined": "quarantined",
}
# Lists in the summary are cut here; their counts are always complete.
LIST_LIMIT = 100
# A transaction holds at most this many messages, or about this many bytes of them.
BATCH_MESSAGES = 200
# A batch is parsed whole and keeps its MIME trees until its display copies are made from them:
# peak memory grows with this (4 MB: as with 8 MB before the trees were kept). With a parsing
# helper two batches are in hand at once, so each holds half as many bytes.
BATCH_BYTES = 4 * 1024 * 1024


@dataclass
class Tally:
    counts: Counter[str] = field(
        default_factory=lambda: Counter(
            dict.fromkeys(
                ["messages", "files", "already_stored", "resumed", *OUTCOME_KEYS.values()], 0
            )
        )
    )
    skipped: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    skipped_count: int = 0
    error_count: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process' and its helper's: a busy machine does not inflate it
    helpers: int = 0
    stopped: str = ""

    def skip(self, item: importing.Skipped) -> None:
        self.skipped_count += 1
        if len(self.skipped) < LIST_LIMIT:
            self.skipped.append({"path": item.path, "reason": item.reason})

    def error(self, path: str, error: str) -> None:
        self.error_count += 1
        if len(self.errors) < LIST_LIMIT:
            self.errors.append({"path": path, "error": error})

    def as_dict(self) -> dict[str, Any]:
        messages = self.counts["messages"]
        return {
            **self.counts,
            # Processed in this run (resumed ones included): the four outcomes add up to this.
            "new": messages - self.counts["already_stored"],
            "skipped": self.skipped_count,
            "skipped_files": self.skipped,
            "errors": self.errors,
            "error_count": self.error_count,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "parse_helpers": self.helpers,
            "msgs_per_s": round(messages / self.seconds, 1) if self.seconds else 0.0,
            **({"stopped": self.stopped} if self.stopped else {}),
        }


def import_batch(
    batch: list[importing.Message],
    *,
    mode: str | None,
    demo: bool,
    reads: list[parse_ahead.Read] | None = None,
) -> list[tuple[str, bool]]:
    """Store a batch raw, then process what is new; (outcome or "already_stored", resumed) each.

    Runs in the caller's transaction: the raw bytes, the reports and what their receivers queue
    (analysis jobs, display copies) are committed together or not at all. ``reads``: what the
    parser made of each message of the batch, where it was parsed already.
    """
    arrivals = [
        Arrival(
            m.raw, Channel.IMPORT, mode=mode, extra={**m.extra, "demo": True} if demo else m.extra
        )
        for m in batch
    ]
    stored: list[tuple[InboundMessage, bool]] = []
    for result in store_many(arrivals, enqueue=False):
        if isinstance(result, Exception):
            raise result  # the store is full: nothing of this batch is kept
        stored.append(result)
    # Stored but never processed (an earlier import stopped half-way): finish it now. The same
    # bytes twice in one batch are processed once.
    todo: dict[int, InboundMessage] = {}
    given: dict[int, parse_ahead.Read] = {}
    seen: set[int] = set()
    first_sight = []
    for n, (msg, new) in enumerate(stored):
        first = msg.pk not in seen
        seen.add(msg.pk)
        first_sight.append(first)
        if first and (new or msg.state == InboundMessage.State.PENDING):
            todo[msg.pk] = msg
            if reads is not None:
                given[msg.pk] = reads[n]
    with sending_in_transaction():
        done = dict(zip(todo, do_process_many(list(todo.values()), given), strict=True))
    out = []
    for (msg, new), first in zip(stored, first_sight, strict=True):
        if first and msg.pk in done:
            out.append((done[msg.pk].outcome, not new))
        else:
            out.append(("already_stored", False))
    return out


def run_import(
    paths: list[Path],
    *,
    fmt: str = "auto",
    mode: str | None = None,
    demo: bool = False,
    helpers: int = 0,
) -> Tally:
    """Import ``paths``; ``helpers``: processes that parse the next batch meanwhile (0: none)."""
    tally, started, cpu = Tally(), time.monotonic(), _cpu_seconds()
    items = importing.iter_items(paths, fmt, settings.TAPECUT_MAX_MESSAGE_BYTES)
    bar = tqdm(
        total=importing.estimate_bytes(paths),
        unit="B",
        unit_scale=True,
        file=sys.stderr,
        disable=None,  # off when stderr is not a terminal
        desc="import",
    )
    with bar, parse_ahead.ParseAhead(helpers) as ahead:
        tally.helpers = helpers if ahead.helping else 0
        try:
            current = _next_batch(items, tally, bar, ahead)
            while current is not None:
                # The helper parses the next batch while this one is written.
                following = _next_batch(items, tally, bar, ahead)
                if not _import_batch(current, tally, ahead, mode=mode, demo=demo):
                    break
                current = following
        except KeyboardInterrupt:
            tally.stopped = "interrupted: what is counted here is stored; run it again to go on."
    tally.seconds = time.monotonic() - started
    tally.cpu_seconds = _cpu_seconds() - cpu  # the helper's too, once it has ended
    return tally


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its ended helpers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


_Batch = tuple[list[importing.Message], parse_ahead.Pending]


def _next_batch(
    items: Iterator[importing.Item], tally: Tally, bar: tqdm, ahead: parse_ahead.ParseAhead
) -> _Batch | None:
    limit = BATCH_BYTES // 2 if ahead.helping else BATCH_BYTES
    batch = _read_batch(items, tally, bar, limit)
    return (batch, ahead.submit([m.raw for m in batch])) if batch else None


def _import_batch(
    current: _Batch,
    tally: Tally,
    ahead: parse_ahead.ParseAhead,
    *,
    mode: str | None,
    demo: bool,
) -> bool:
    """Import up to BATCH_MESSAGES messages (BATCH_BYTES) in one transaction; False to stop.

    One commit and a few bulk statements per batch instead of several per message: a commit
    waits for the disk. A batch is short, so other writers (the SMTP receiver) wait little, and
    a crash loses at most one batch, which the next run imports again.
    """
    batch, pending = current
    where = batch[0].extra["path"]
    reads = ahead.reads(pending)
    try:
        with transaction.atomic():
            results = import_batch(batch, mode=mode, demo=demo, reads=reads)
    except (StoreFull, DatabaseError, OSError) as exc:
        tally.error(where, f"could not be stored: {exc}")
        tally.stopped = f"stopped at {where}: {exc}. Run the import again to go on."
        return False
    for item, (outcome, resumed) in zip(batch, results, strict=True):
        _count(tally.counts, item, outcome, resumed)
    return True


def _read_batch(
    items: Iterator[importing.Item], tally: Tally, bar: tqdm, limit: int
) -> list[importing.Message]:
    """The next messages (skipped and unreadable items are tallied on the way)."""
    batch: list[importing.Message] = []
    size = 0
    for item in items:
        bar.update(item.source_bytes)
        if isinstance(item, importing.Message):
            batch.append(item)
            size += len(item.raw)
            if len(batch) >= BATCH_MESSAGES or size >= limit:
                break
        elif isinstance(item, importing.Skipped):
            tally.skip(item)
        else:
            tally.error(item.path, item.error)
    return batch


def _count(counts: Counter[str], item: importing.Message, outcome: str, resumed: bool) -> None:
    counts["messages"] += 1
    counts["files"] += item.extra.get("mbox_index", 1) == 1
    counts["resumed"] += resumed
    counts[OUTCOME_KEYS.get(outcome, "already_stored")] += 1


@contextmanager
def quiet_intake_logs(verbosity: int) -> Any:
    # One INFO line per stored message drowns the progress bar; the summary says it all.
    logger = logging.getLogger("tapecut.intake")
    level = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
