"""The measuring half of ``tapecut bench analysis``, run in a child process on a throwaway
database (see ``tapecut.bench.analysis``)."""

from __future__ import annotations

import os
import resource
import sys
import time
from typing import Any

import numpy as np
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from tapecut.ai import registry
from tapecut.analysis import pipeline
from tapecut.analysis.actions import do_analyse_report
from tapecut.analysis.models import DuplicateLink, ReportAnalysis, Theme
from tapecut.bench.analysis import StageClock, elapsed_since, make_texts, read_texts, stage_rates
from tapecut.intake.models import Channel, Report


def store(texts: list[str]) -> list[Report]:
    now = timezone.now()
    reports = [Report(channel=Channel.FORM, text=t, received_at=now) for t in texts]
    return Report.objects.bulk_create(reports, batch_size=2000)


def fit_embedder(texts: list[str]) -> float:
    embedder: Any = registry.get_embedder()
    if not callable(getattr(embedder, "fit", None)):
        return 0.0
    start = time.perf_counter()
    embedder.fit(texts, save=True)
    return elapsed_since(start)


def bulk(n: int) -> tuple[float, dict[str, float]]:
    clock = StageClock()
    clock.seconds["cpu"] = -time.process_time()
    start = time.perf_counter()
    with tqdm(total=n, desc="analysing", unit="report", file=sys.stderr) as bar:
        for batch in pipeline.batches(Report.objects.all()):
            pipeline.analyse_reports(batch, on_stage=clock)
            bar.update(len(batch))
    clock.seconds["cpu"] += time.process_time()
    return elapsed_since(start), dict(clock.seconds)


def singles(texts: list[str]) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds for each new report analysed alone (the first, a warm-up,
    not counted). CPU time shows what a busy machine hides behind waiting."""
    times, cpu = [], []
    for i, text in enumerate(tqdm(texts, desc="one at a time", file=sys.stderr)):
        report = store([text])[0]
        start, start_cpu = time.perf_counter(), time.process_time()
        do_analyse_report(report)
        if i:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu


def outcome() -> dict[str, Any]:
    """What the analysis made of the reports, to see that it did something sensible."""
    links = dict(
        DuplicateLink.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    return {
        "themes": Theme.objects.filter(report_count__gt=0).count(),
        "themes_of_3_or_more": Theme.objects.filter(report_count__gte=3).count(),
        "merged": links.get("merged", 0),
        "suggested": links.get("suggested", 0),
        "with_hours": ReportAnalysis.objects.filter(hours_per_year__isnull=False).count(),
    }


def measure(options: dict[str, Any]) -> dict[str, Any]:
    call_command("migrate", verbosity=0, interactive=False)
    n, k = options["n"], options["singles"]
    texts = make_texts(read_texts(options["data"], options["text"]), n + k + 1)
    start = time.perf_counter()
    store(texts[:n])
    insert_seconds = elapsed_since(start)
    fit_seconds = fit_embedder(texts[:n])
    total, seconds = bulk(n)
    cpu_seconds = seconds.pop("cpu")
    times, cpu = singles(texts[n:])
    embedder = registry.get_embedder()
    return {
        "n": n,
        "embedder": embedder.name,
        "stage_reports_per_s": stage_rates(seconds, n),
        "stage_seconds": {name: round(s, 2) for name, s in seconds.items()},
        "total_seconds": total,
        "cpu_seconds": round(cpu_seconds, 2),
        "insert_seconds": insert_seconds,
        "fit_seconds": fit_seconds,
        "singles": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **outcome(),
    }
