"""The measuring half of ``tapecut bench analysis``, run in a child process on a throwaway
database (see ``tapecut.bench.analysis``)."""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict
from typing import Any

import numpy as np
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from tapecut.ai import registry
from tapecut.analysis import pipeline
from tapecut.analysis.actions import do_analyse_report
from tapecut.analysis.models import DuplicateLink, ReportAnalysis, Theme
from tapecut.bench import _fill_vectors
from tapecut.bench.analysis import StageClock, elapsed_since, read_texts, recombine, stage_rates
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


def bulk_figures(n: int) -> dict[str, Any]:
    """Every stage over the N stored reports, in batches as ``tapecut analyse`` runs them."""
    total, seconds = bulk(n)
    cpu_seconds = seconds.pop("cpu")
    return {
        "stage_reports_per_s": stage_rates(seconds, n),
        "stage_seconds": {name: round(s, 2) for name, s in seconds.items()},
        "total_seconds": total,
        "cpu_seconds": round(cpu_seconds, 2),
    }


def fill_by_sentences(
    reports: list[Report], parts: list[tuple[int, ...]], sentences: list[str]
) -> dict[str, Any]:
    """The bulk run with sentence-mean vectors standing in for the embedder's (see
    ``tapecut.bench._fill_vectors``); its figures are not the embedder's bulk rate."""
    real: Any = registry.get_embedder()
    if callable(getattr(real, "fit", None)):
        raise CommandError("--fill-vectors: the embedder must be fitted on the texts themselves")
    fill = _fill_vectors.prepare(reports, parts, sentences)
    with _fill_vectors.standing_in(fill):
        figures = bulk_figures(len(reports))
    return {**fill.summary(), **figures}


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


def single_stages(texts: list[str]) -> dict[str, dict[str, float]]:
    """Milliseconds per stage (p50, p95) for further new reports analysed alone, through the
    pipeline without the audit record: where a single report's time goes."""
    per: dict[str, list[float]] = defaultdict(list)
    for text in tqdm(texts, desc="stages of one", file=sys.stderr):
        clock = StageClock()
        pipeline.analyse_reports(store([text]), on_stage=clock)
        for name, seconds in clock.seconds.items():
            per[name].append(seconds * 1000)
    return {
        q: {name: round(float(np.percentile(ms, pct)), 1) for name, ms in per.items()}
        for q, pct in (("p50", 50), ("p95", 95))
    }


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
    texts, parts, sentences = recombine(read_texts(options["data"], options["text"]), n + 2 * k + 1)
    start = time.perf_counter()
    stored = store(texts[:n])
    insert_seconds = elapsed_since(start)
    if options.get("fill_vectors"):
        name = registry.get_embedder().name
        bulk_part: dict[str, Any] = {
            "fill_vectors": f"stored reports: normalised mean of {name} vectors of their "
            "sentences, each distinct sentence embedded once; the `fill` figures are not "
            f"{name}'s bulk rate. New reports: {name} itself.",
            "fill": fill_by_sentences(stored, parts[:n], sentences),
        }
    else:
        bulk_part = {"fit_seconds": fit_embedder(texts[:n]), **bulk_figures(n)}
    del stored
    times, cpu = singles(texts[n : n + k + 1])
    stage_ms = single_stages(texts[n + k + 1 :])
    embedder = registry.get_embedder()
    return {
        "n": n,
        "embedder": embedder.name,
        "singles_embedder": f"{type(embedder).__module__}.{type(embedder).__qualname__}",
        **bulk_part,
        "insert_seconds": insert_seconds,
        "singles": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 1),
        "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 1),
        "single_stage_ms": stage_ms,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **outcome(),
    }
