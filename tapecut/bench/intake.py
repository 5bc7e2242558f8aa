"""``tapecut bench intake PATH``: ``tapecut import`` against the bare standard-library parser.

The import runs as its own process (``python -m tapecut import PATH --json``) on a throwaway
database in a temporary TAPECUT_VAR_DIR, so its peak memory is measured alone. In the same run
the same messages are parsed with ``email.message_from_bytes`` and nothing else, as a yardstick.
``--repeat K`` writes K variants of every message (each with one unique header) into a
temporary folder first, to show that memory stays flat as the corpus grows. ``--short N`` imports
N short plain messages made from PATH's header blocks and real sentences instead
(``tapecut.bench._short_mail``): the kind of mail where the cost per message, not parsing, counts.
"""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import tempfile
import time
from email import policy
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tapecut import keyfile
from tapecut.bench._short_mail import write_short_corpus
from tapecut.intake import importing

HELP = "Import PATH into a throwaway database; compare with bare stdlib parsing."
# The import must not touch the configured database, store or mail server.
_DROPPED_ENV = ("DATABASE_URL", "TAPECUT_STORE_DIR", "TAPECUT_VAR_DIR_FILE", "DATABASE_URL_FILE")


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("path", type=Path, help="a file or folder of mail (as for tapecut import)")
    parser.add_argument("--repeat", type=int, default=1, help="import K variants of each message")
    parser.add_argument(
        "--short", type=int, default=0, help="import N short plain messages made from PATH"
    )
    parser.add_argument("--json", action="store_true", help="accepted; the last line is JSON")


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    path, repeat = options["path"], options["repeat"]
    if not path.exists():
        raise CommandError(f"no such file or folder: {path}")
    if repeat < 1 or options.get("short", 0) < 0:
        raise CommandError("--repeat must be at least 1 and --short at least 0")
    with tempfile.TemporaryDirectory(prefix="tapecut-bench-intake-") as tmp:
        corpus = make_corpus(path, Path(tmp) / "corpus", repeat, options.get("short", 0))
        bare_count, bare_seconds, bare_cpu = bare_parse(corpus)
        ours = import_in_child(corpus, Path(tmp) / "var")
    ours_rate = ours["messages"] / ours["seconds"] if ours["seconds"] else 0.0
    bare_rate = bare_count / bare_seconds if bare_seconds else 0.0
    keys = ("reports", "replies", "non_reports", "quarantined", "already_stored", "error_count")
    return {
        "path": str(path),
        "repeat": repeat,
        "short": options.get("short", 0),
        "messages": ours["messages"],
        "bare_messages": bare_count,
        "ours_seconds": ours["seconds"],
        "bare_seconds": round(bare_seconds, 3),
        "ours_msgs_per_s": round(ours_rate, 1),
        "bare_msgs_per_s": round(bare_rate, 1),
        "ratio": round(ours_rate / bare_rate, 3) if bare_rate else 0.0,
        # The same on CPU seconds (the import's own, the parse's own): steady on a busy machine,
        # but blind to time spent waiting for the disk, which the wall-clock ratio includes.
        "cpu_ratio": cpu_ratio(ours["messages"], ours.get("cpu_seconds", 0), bare_count, bare_cpu),
        "peak_rss_mb": ours["peak_rss_mb"],
        **{k: ours.get(k, 0) for k in keys},
    }


def make_corpus(path: Path, target: Path, repeat: int, short: int) -> Path:
    if short:
        return write_short_corpus(path, target, short)
    return path if repeat == 1 else write_variants(path, target, repeat)


def write_variants(source: Path, target: Path, repeat: int) -> Path:
    """K copies of every message under ``target``, each made unique by one added header."""
    target.mkdir(parents=True)
    count = 0
    for item in importing.iter_items([source]):
        if not isinstance(item, importing.Message):
            continue
        newline = b"\r\n" if b"\r\n" in item.raw[:1000] else b"\n"
        for k in range(repeat):
            header = b"X-Tapecut-Bench-Copy: %d-%d" % (count, k) + newline
            (target / f"{count:07d}-{k:03d}.eml").write_bytes(header + item.raw)
        count += 1
    return target


def bare_parse(corpus: Path) -> tuple[int, float, float]:
    """Read and parse every message with the standard library alone; (count, seconds, CPU s)."""
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    for item in importing.iter_items([corpus]):
        if isinstance(item, importing.Message):
            email.message_from_bytes(item.raw, policy=policy.default)
            count += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def cpu_ratio(ours: int, ours_cpu: float, bare: int, bare_cpu: float) -> float:
    if not (ours_cpu and bare_cpu and bare):
        return 0.0
    return round((ours / ours_cpu) / (bare / bare_cpu), 3)


def import_in_child(corpus: Path, var_dir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        TAPECUT_VAR_DIR=str(var_dir),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TAPECUT_LOG_LEVEL="WARNING",
    )
    keyfile.ensure(var_dir)  # its own keys, if the caller set none
    tapecut = [sys.executable, "-m", "tapecut"]
    migrate = [*tapecut, "migrate", "--no-input", "--skip-checks", "-v", "0"]
    done = subprocess.run(migrate, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise CommandError(f"migrate failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [*tapecut, "import", str(corpus), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert proc.stdout is not None
        output = proc.stdout.read()
        proc.stdout.close()
        # wait4 gives this one child's resource use (RUSAGE_CHILDREN would mix in migrate).
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-2000:].decode("utf-8", "replace")
            raise CommandError(f"tapecut import failed ({proc.returncode}):\n{tail}")
    summary: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
    summary["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB
    return summary
