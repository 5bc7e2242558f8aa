"""``tapecut eval real-mail [PATH]``: the parser and the import on real-world mail.

PATH defaults to ``../shared/data/email`` beside the checkout: a few hundred messages from
parser test suites and public archives (bounces, DMARC reports, German authorities' replies,
Enron mail). Where it is absent the command says so and checks nothing; ``--require`` makes that
an error, as ``make test`` does where the folder is there (the project's own tests pass without
it). The checks:

- every file parses, or is refused with ``MessageRejected``, within 5 s of CPU each;
- in the shared corpus, the files named in ``EXPECTED`` are read as they should be (bounces and
  complaints are no reports, real correspondence is; a doubly mis-decoded subject is repaired)
  and the corpus keeps its shape (more reports than non-reports, more of those than refusals);
- ``tapecut import`` of the whole folder, on a throwaway database and store, stores and
  processes every file: no errors, none skipped or left pending, every quarantined message with
  a reason, no error in the logs.

Each failed check is one line of ``failures``; any failure makes the command fail.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.test import override_settings

from tapecut.devtools.throwaway import throwaway_database
from tapecut.intake.import_run import quiet_intake_logs, run_import
from tapecut.intake.models import InboundMessage
from tapecut.intake.parsing import MessageRejected, parse_message

HELP = "Parse and import real-world mail (../shared/data/email); fail on any surprise."
SHARED_EMAIL = Path(settings.BASE_DIR).parent.parent / "shared" / "data" / "email"
MAX_CPU_SECONDS = 5.0

_NON_REPORT = ("non-report", "")
# Relative path → (what the parser must make of it, if checked; the subject it must read, if any).
EXPECTED: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        [
            *(f"froide-de/bounce_00{n}.txt" for n in (1, 2, 3)),
            "froide-de/test_mail_12.txt",
            "flanker/bounce/office365.eml",
            "flanker/bounce/gmail-no-dns.eml",
            "flanker/complaints/aol.eml",
            "flanker/complaints/yahoo.eml",
            "flanker/disposition-notification.eml",
            "cpython/msg_16.txt",
        ],
        _NON_REPORT,
    ),
    **dict.fromkeys(
        [
            *(f"froide-de/test_mail_{n:02d}.txt" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11)),
            *(f"froide-de/test_mail_{n:02d}.txt" for n in (13, 15, 16, 17, 18)),
            "crymap/enron_dasovich-j_all_documents_11634.eml",  # "Fwd: failure delivery"
            "flanker/long-links.eml",  # from postmaster@, but a person writing
        ],
        ("report", ""),
    ),
    "froide-de/test_mail_09.txt": (  # a confirmation of receipt: only its subject is checked
        "",
        "E-Mail Empfangsbestätigung: Unterlagen nach § 6 Abs. 1 Arbeitsschutzgesetz [#25054]",
    ),
}
# Every DMARC aggregate report in the corpus is no report either.
EXPECTED_GLOBS = {"parsedmarc/*.eml": "non-report"}


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, default=SHARED_EMAIL, help="a mail folder")
    parser.add_argument(
        "--require", action="store_true", help="fail when the folder is absent (else: say so)"
    )


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    path: Path = options["path"]
    if not path.is_dir():
        message = f"real-mail: no mail folder at {path}; nothing was checked"
        if options.get("require"):
            raise CommandError(message)
        out.write(message + "\n")
        return {"path": str(path), "present": False}
    files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
    failures: list[str] = []
    outcomes, slowest = parse_all(files, path, failures)
    if path.resolve() == SHARED_EMAIL.resolve():
        failures += check_expected(path) + check_shape(outcomes)
    imported = import_all(path, len(files), failures)
    result = {
        "path": str(path),
        "present": True,
        "files": len(files),
        "parsed": dict(outcomes),
        "slowest_cpu_ms": round(slowest * 1000),
        "imported": imported,
        "failures": failures,
    }
    if failures:
        out.write("\n".join(failures) + "\n")
        raise CommandError(f"real-mail: {len(failures)} check(s) failed in {path}")
    return result


def _hidden(file: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in file.relative_to(root).parts)


def read(raw: bytes) -> tuple[str, str]:
    """What the parser makes of ``raw``: ("report" | "non-report" | "rejected", subject)."""
    try:
        msg = parse_message(raw)
    except MessageRejected:
        return "rejected", ""
    return ("report" if msg.is_report else "non-report"), msg.subject


def parse_all(files: list[Path], root: Path, failures: list[str]) -> tuple[Counter[str], float]:
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    for file in files:
        began = time.thread_time()
        try:
            kind, _subject = read(file.read_bytes())
        except Exception as exc:  # anything but a refusal is a parser bug
            failures.append(f"{file.relative_to(root)}: the parser raised {exc!r}")
            continue
        seconds = time.thread_time() - began
        slowest = max(slowest, seconds)
        if seconds > MAX_CPU_SECONDS:
            failures.append(f"{file.relative_to(root)}: {seconds:.1f} s of CPU to parse")
        outcomes[kind] += 1
    return outcomes, slowest


def check_expected(root: Path) -> list[str]:
    """The named files as they must be read; a named file that is missing is a failure too."""
    wanted = dict(EXPECTED)
    for pattern, kind in EXPECTED_GLOBS.items():
        wanted.update({str(p.relative_to(root)): (kind, "") for p in sorted(root.glob(pattern))})
    failures = []
    for name, (kind, subject) in wanted.items():
        file = root / name
        if not file.is_file():
            failures.append(f"{name}: expected in the corpus, not found")
            continue
        got, got_subject = read(file.read_bytes())
        if kind and got != kind:
            failures.append(f"{name}: read as {got}, should be {kind}")
        elif subject and got_subject != subject:
            failures.append(f"{name}: subject read as {got_subject!r}, should be {subject!r}")
    return failures


def check_shape(outcomes: Counter[str]) -> list[str]:
    """The shared corpus: a few hundred messages, mostly reports, some non-reports, few refused."""
    shaped = sum(outcomes.values()) > 200 and (
        outcomes["report"] > outcomes["non-report"] > outcomes["rejected"]
    )
    return [] if shaped else [f"the corpus' outcomes changed shape: {dict(outcomes)}"]


def import_all(root: Path, count: int, failures: list[str]) -> dict[str, int]:
    """``tapecut import`` of the folder on a throwaway database and store."""
    errors = _ErrorRecords()
    logging.getLogger().addHandler(errors)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="tapecut-real-mail-") as store,
            override_settings(TAPECUT_STORE_DIR=store),
            throwaway_database(),
            quiet_intake_logs(verbosity=1),  # errors still reach the handler above
        ):
            summary = run_import([root]).as_dict()
            pending = InboundMessage.objects.filter(state=InboundMessage.State.PENDING).count()
            silent = InboundMessage.objects.filter(state="quarantined", reason="").count()
    finally:
        logging.getLogger().removeHandler(errors)
    outcomes = sum(summary[k] for k in ("reports", "replies", "non_reports", "quarantined"))
    problems = {
        "files read": summary["messages"] != count,
        "import errors": summary["error_count"] > 0,
        "files skipped": summary["skipped"] > 0,
        "outcomes missing": outcomes != summary["new"],
        "messages left pending": pending > 0,
        "quarantined without a reason": silent > 0,
        "errors logged": bool(errors.records),
    }
    failures += [f"import: {what} ({summary})" for what, bad in problems.items() if bad]
    failures += [f"import log: {line}" for line in errors.records[:10]]
    return {k: summary[k] for k in ("messages", "reports", "replies", "non_reports", "quarantined")}


class _ErrorRecords(logging.Handler):
    """Every error (or exception) logged while the import runs."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(f"{record.name}: {record.getMessage()[:300]}")
