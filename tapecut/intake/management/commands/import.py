"""``tapecut import PATH…``: bring existing mail (.eml files, folders, mbox, maildir) in.

Each message is stored raw, then processed at once with ``final=True``: a bulk import has no
one to retry for, so what cannot be understood is quarantined with a reason. Messages are read
and handled one at a time (memory stays flat however large the corpus) and committed in short
transactions of a few hundred milliseconds each. Running the same import again is safe: what
was stored already is counted as ``already_stored`` and left alone.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from tqdm import tqdm

from tapecut.core.storage import StoreFull
from tapecut.intake import importing
from tapecut.intake.models import Channel, InboundMessage, Mode
from tapecut.intake.processing import do_process_inbound, do_quarantine
from tapecut.intake.storing import do_store_inbound

log = logging.getLogger(__name__)

OUTCOME_KEYS = {
    "report": "reports",
    "reply": "replies",
    "non_report": "non_reports",
    "quarantined": "quarantined",
}
# Lists in the summary are cut here; their counts are always complete.
LIST_LIMIT = 100
# A transaction holds at most this many messages or lasts about this long.
BATCH_MESSAGES = 500
BATCH_SECONDS = 0.25


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
            "msgs_per_s": round(messages / self.seconds, 1) if self.seconds else 0.0,
            **({"stopped": self.stopped} if self.stopped else {}),
        }


def import_one(item: importing.Message, *, mode: str | None, demo: bool) -> tuple[str, bool]:
    """Store and process one message; return (outcome or "already_stored", resumed)."""
    extra = {**item.extra, "demo": True} if demo else item.extra
    msg, new = do_store_inbound(
        item.raw, channel=Channel.IMPORT, mode=mode, extra=extra, enqueue=False
    )
    if not new and msg.state != InboundMessage.State.PENDING:
        return "already_stored", False
    # Stored but never processed (an earlier import stopped half-way): finish it now.
    resumed = not new
    try:
        return do_process_inbound(msg, final=True).outcome, resumed
    except (OperationalError, InterfaceError):
        raise  # the database itself is failing: stop rather than quarantine everything
    except Exception as exc:
        # Our bug, not the sender's: keep the message, say why, and go on with the rest.
        log.exception("import could not process inbound %s", msg.pk)
        return do_quarantine(
            msg, f"Import could not process this message: {exc!r}"
        ).outcome, resumed


def run_import(
    paths: list[Path], *, fmt: str = "auto", mode: str | None = None, demo: bool = False
) -> Tally:
    tally, started = Tally(), time.monotonic()
    items = importing.iter_items(paths, fmt, settings.TAPECUT_MAX_MESSAGE_BYTES)
    bar = tqdm(
        total=importing.estimate_bytes(paths),
        unit="B",
        unit_scale=True,
        file=sys.stderr,
        disable=None,  # off when stderr is not a terminal
        desc="import",
    )
    with bar:
        try:
            while _import_batch(items, tally, bar, mode=mode, demo=demo):
                pass
        except KeyboardInterrupt:
            tally.stopped = "interrupted: what is counted here is stored; run it again to go on."
    tally.seconds = time.monotonic() - started
    return tally


def _import_batch(
    items: Iterator[importing.Item], tally: Tally, bar: tqdm, *, mode: str | None, demo: bool
) -> bool:
    """Import messages in one short transaction; False when done or stopped.

    One commit per batch instead of several per message: a commit waits for the disk, and a
    batch ends within BATCH_SECONDS, so other writers (the SMTP receiver) wait little and a
    crash loses at most one batch, which the next run imports again.
    """
    counts: Counter[str] = Counter()
    deadline, where, more = time.monotonic() + BATCH_SECONDS, "", False
    try:
        with transaction.atomic():
            for item in items:
                bar.update(item.source_bytes)
                if isinstance(item, importing.Message):
                    where = item.extra["path"]
                    _count(counts, item, *import_one(item, mode=mode, demo=demo))
                elif isinstance(item, importing.Skipped):
                    tally.skip(item)
                else:
                    tally.error(item.path, item.error)
                if time.monotonic() > deadline or counts["messages"] >= BATCH_MESSAGES:
                    more = True
                    break
    except (StoreFull, DatabaseError, OSError) as exc:
        tally.error(where, f"could not be stored: {exc}")
        tally.stopped = f"stopped at {where}: {exc}. Run the import again to go on."
        return False
    tally.counts.update(counts)
    return more


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


class Command(BaseCommand):
    help = "Import mail from .eml files, folders, mbox files and maildirs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument("--format", choices=importing.FORMATS, default="auto")
        parser.add_argument("--json", action="store_true", help="print one JSON summary line")
        parser.add_argument("--mode", choices=Mode.values, default=None)
        parser.add_argument("--demo", action="store_true", help="mark the reports as demo data")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [importing.display(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        with quiet_intake_logs(options["verbosity"]):
            tally = run_import(
                paths, fmt=options["format"], mode=options["mode"], demo=options["demo"]
            )
        summary = tally.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(human_summary(summary))
        if tally.stopped:
            raise CommandError(tally.stopped)


def human_summary(s: dict[str, Any]) -> str:
    lines = [
        f"Read {s['messages']} messages from {s['files']} files in {s['seconds']:.1f} s "
        f"({s['msgs_per_s']} messages/s).",
        f"  new: {s['new']} (reports {s['reports']}, replies {s['replies']}, "
        f"not reports {s['non_reports']}, quarantined {s['quarantined']})",
        f"  already stored: {s['already_stored']}",
    ]
    if s["skipped"]:
        lines.append(f"  skipped: {s['skipped']}")
        lines += [f"    {x['path']}: {x['reason']}" for x in s["skipped_files"]]
    if s["error_count"]:
        lines.append(f"  errors: {s['error_count']}")
        lines += [f"    {x['path']}: {x['error']}" for x in s["errors"]]
    if s["quarantined"]:
        lines.append("  Quarantined messages keep their raw bytes and a reason; see the admin.")
    return "\n".join(lines)
