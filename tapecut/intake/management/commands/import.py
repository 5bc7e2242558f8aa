"""``tapecut import PATH…``: bring existing mail (.eml files, folders, mbox, maildir) in.

The work is done in tapecut.intake.import_run; this command reads the options and prints the
summary (one JSON line with ``--json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tapecut.intake import importing, parse_ahead
from tapecut.intake.import_run import quiet_intake_logs, run_import
from tapecut.intake.models import Mode


class Command(BaseCommand):
    help = "Import mail from .eml files, folders, mbox files and maildirs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument("--format", choices=importing.FORMATS, default="auto")
        parser.add_argument("--json", action="store_true", help="print one JSON summary line")
        parser.add_argument("--mode", choices=Mode.values, default=None)
        parser.add_argument("--demo", action="store_true", help="mark the reports as demo data")
        parser.add_argument(
            "--parse-helpers",
            type=int,
            default=None,
            metavar="N",
            help="processes that parse the next batch while one is written "
            "(default: 1 where there is more than one core, else 0)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [importing.display(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        helpers = options["parse_helpers"]
        if helpers is None:
            helpers = parse_ahead.default_helpers()
        if helpers < 0:
            raise CommandError("--parse-helpers must be 0 or more")
        with quiet_intake_logs(options["verbosity"]):
            tally = run_import(
                paths,
                fmt=options["format"],
                mode=options["mode"],
                demo=options["demo"],
                helpers=helpers,
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
