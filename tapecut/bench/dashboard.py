"""``tapecut bench dashboard --reports N``: how long the insights dashboard takes to render.

On a throwaway SQLite database it stores N reports with everything the dashboard counts
(analyses, themes, merges, team follow-ups, changes with their stamps, "did this fix it?"
answers, model calls; see ``tapecut.bench._dashboard_fill``), then renders ``/insights/`` as a
logged-in leader through Django's test client ``--renders`` times, with the figures computed
afresh each time (``p50_ms``, ``p95_ms``), and again with the short cache switched on
(``cached_p50_ms``), and once with each filter kind. ``cpu_p50_ms`` is the CPU time of this
process per render: on a busy machine it is the steadier figure (SQLite runs in-process, so it
counts the queries too). The goal is under a second at 100,000.
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone


def filters() -> dict[str, dict[str, str]]:
    """One query of each filter kind; the period is the last quarter."""
    today = timezone.localdate()
    quarter = {"from": str(today - timedelta(days=90)), "to": str(today)}
    return {
        "unit": {"unit": "Finance"},
        "category": {"category": "meetings"},
        "channel": {"channel": "form"},
        "period": quarter,
    }


HELP = "Render the insights dashboard over N reports on a throwaway database: p50/p95."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--reports", type=int, default=100_000, help="reports to store")
    parser.add_argument("--renders", type=int, default=20, help="timed renders of the page")
    parser.add_argument("--data", type=Path, default=None, help="CSV with a text column")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def nearest_rank(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def timed_renders(
    client: Client,
    renders: int,
    query: dict[str, str] | None = None,
    cpu: list[float] | None = None,
) -> list[float]:
    """Wall-clock milliseconds per render; with ``cpu``, this process's CPU milliseconds too
    (steadier than wall-clock time on a machine that others share)."""
    times = []
    for _i in range(renders):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/insights/", query or {})
        times.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            raise CommandError(f"the dashboard answered {response.status_code}")
    return times


def measure(renders: int, leader: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(leader)
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=0):
        timed_renders(client, 1)  # warm-up: imports, template loading, SQLite page cache
        cpu: list[float] = []
        cold = timed_renders(client, renders, cpu=cpu)
        filtered = {
            name: round(timed_renders(client, 1, query)[0], 1) for name, query in filters().items()
        }
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=60):
        warm = timed_renders(client, renders)
    return {
        "renders": renders,
        "p50_ms": round(statistics.median(cold), 1),
        "p95_ms": round(nearest_rank(cold, 95), 1),
        "max_ms": round(max(cold), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(nearest_rank(cpu, 95), 1),
        "filtered_ms": filtered,
        "cached_p50_ms": round(statistics.median(warm[1:] or warm), 1),
    }


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    from tapecut.bench._dashboard_fill import fill
    from tapecut.devtools.throwaway import throwaway_database

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
