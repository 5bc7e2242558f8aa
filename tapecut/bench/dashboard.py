"""``tapecut bench dashboard --reports N``: how long the insights dashboard takes to render.

On a throwaway SQLite database it stores N reports with everything the dashboard counts
(analyses, themes, merges, team follow-ups, changes with their stamps, "did this fix it?"
answers, model calls; see ``tapecut.bench._dashboard_fill``), then renders ``/insights/`` as a
logged-in leader through Django's test client ``--renders`` times, with the figures computed
afresh each time (``p50_ms``, ``p95_ms``), and again with the short cache switched on
(``cached_p50_ms``), and once with each filter kind. The goal is under a second at 100,000.
"""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings

HELP = "Render the insights dashboard over N reports on a throwaway database: p50/p95."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--reports", type=int, default=100_000, help="reports to store")
    parser.add_argument("--renders", type=int, default=20, help="timed renders of the page")
    parser.add_argument("--data", type=Path, default=None, help="CSV with a text column")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def nearest_rank(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def timed_renders(client: Client, renders: int, query: dict[str, str] | None = None) -> list[float]:
    times = []
    for _i in range(renders):
        start = time.perf_counter()
        response = client.get("/insights/", query or {})
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise CommandError(f"the dashboard answered {response.status_code}")
    return times


def measure(renders: int, leader: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(leader)
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=0):
        timed_renders(client, 1)  # warm-up: imports, template loading, SQLite page cache
        cold = timed_renders(client, renders)
        filtered = {
            name: round(timed_renders(client, 1, query)[0], 1)
            for name, query in [("unit", {"unit": "Finance"}), ("category", {"category": "meetings"}),
                                ("channel", {"channel": "form"}),
                                ("period", {"from": "2026-01-01", "to": "2026-06-30"})]
        }  # fmt: skip
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=60):
        warm = timed_renders(client, renders)
    return {
        "renders": renders,
        "p50_ms": round(statistics.median(cold), 1),
        "p95_ms": round(nearest_rank(cold, 95), 1),
        "max_ms": round(max(cold), 1),
        "filtered_ms": filtered,
        "cached_p50_ms": round(statistics.median(warm[1:] or warm), 1),
    }


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    from tapecut.analysis.throwaway import throwaway_database
    from tapecut.bench._dashboard_fill import fill

    if options["reports"] < 1 or options["renders"] < 1:
        raise CommandError("--reports and --renders must be at least 1")
    with throwaway_database() as path:
        filled = fill(options["reports"], data=options["data"])
        if not options["json"]:
            out.write(f"stored {filled.reports} reports in {filled.seconds} s ({filled.source})\n")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as a long-running database would have statistics
        result = measure(options["renders"], filled.leader)
        size_mb = round(path.stat().st_size / 1e6, 1)
    return {
        "reports": filled.reports,
        "themes": filled.themes,
        "changes": filled.changes,
        "texts_from": filled.source,
        "fill_seconds": filled.seconds,
        "db_mb": size_mb,
        **result,
    }
