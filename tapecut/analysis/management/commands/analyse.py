"""``tapecut analyse [--all] [--recluster]``: analyse reports in bulk, re-cluster themes."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from tapecut.analysis.actions import do_analyse_all, do_recluster
from tapecut.analysis.models import ReportAnalysis
from tapecut.intake.models import Report


class Command(BaseCommand):
    help = (
        "Analyse the reports not analysed yet (--all: every report again); "
        "--recluster re-clusters the themes afterwards (alone: only that)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="analyse every report again")
        parser.add_argument("--recluster", action="store_true", help="re-cluster the themes")

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {}
        if options["all"] or not options["recluster"]:
            qs = Report.objects.all()
            if not options["all"]:
                done = ReportAnalysis.objects.filter(state=ReportAnalysis.State.DONE)
                qs = qs.exclude(pk__in=done.values("report_id"))
            with tqdm(total=qs.count(), desc="analysing", unit="report", file=sys.stderr) as bar:
                result["analysed"] = do_analyse_all(qs, progress=bar.update)
        if options["recluster"]:
            outcome = do_recluster()
            result.update(reclustered=outcome.__dict__)
        self.stdout.write(json.dumps(result))
