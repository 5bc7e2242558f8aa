"""``tapecut eval similarity --pairs CSV``: how well an embedder ranks sentence pairs.

The CSV has no header: ``sentence1,sentence2,score`` (STS benchmark style, any score scale).
The result is the Spearman correlation between the embedder's cosine similarity and the human
scores, with the time taken. A fittable embedder (TF-IDF) is fitted on the pairs' own
sentences first, as an organisation fits it on its own reports.
"""

from __future__ import annotations

import csv
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError
from scipy.stats import spearmanr

from tapecut.ai import registry
from tapecut.ai.base import CallContext

HELP = "Spearman correlation of embedding cosine with human similarity scores."
BATCH = 64


def add_arguments(parser: Any) -> None:
    parser.add_argument("--pairs", required=True, help="headerless CSV: sentence1,sentence2,score")
    parser.add_argument("--embedder", default="", help="dotted path (default: the configured one)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pairs")


def read_pairs(path: Path, limit: int = 0) -> tuple[list[tuple[str, str, float]], int]:
    """The usable rows and how many were skipped (too few fields, a score that is no number)."""
    if not path.is_file():
        raise CommandError(f"--pairs: no such file: {path}")
    pairs: list[tuple[str, str, float]] = []
    skipped = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            try:
                pairs.append((row[0], row[1], float(row[2])))
            except (IndexError, ValueError):
                skipped += 1
            if limit and len(pairs) >= limit:
                break
    if len(pairs) < 2:
        raise CommandError(f"--pairs: fewer than two usable rows in {path}")
    return pairs, skipped


def embed_all(embedder: Any, texts: list[str]) -> dict[str, Any]:
    """Each distinct sentence once, in batches as the analysis stage sends them."""
    ctx = CallContext(purpose="eval")
    vectors: dict[str, Any] = {}
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        vectors.update(zip(chunk, embedder.embed(chunk, ctx), strict=True))
    return vectors


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    pairs, skipped = read_pairs(Path(options["pairs"]), options.get("limit") or 0)
    # A fresh instance, never the shared one: fitting below must not replace the
    # organisation's model, which is why it is fitted in memory only.
    embedder = registry.import_backend(options.get("embedder") or settings.TAPECUT_AI_EMBEDDER)()
    texts = list(dict.fromkeys(t for a, b, _s in pairs for t in (a, b)))
    started = time.perf_counter()
    if callable(getattr(embedder, "fit", None)):
        embedder.fit(texts, save=False)
    fitted = time.perf_counter()
    cpu_before = _cpu_seconds()
    vectors = embed_all(embedder, texts)
    cpu = _cpu_seconds() - cpu_before
    seconds = time.perf_counter() - started
    cosines = np.array([float(vectors[a] @ vectors[b]) for a, b, _s in pairs])
    scores = np.array([s for _a, _b, s in pairs])
    rho = float(spearmanr(cosines, scores).statistic)
    return {
        "embedder": embedder.name,
        "dim": int(embedder.dim),
        "pairs": len(pairs),
        "skipped_rows": skipped,
        "spearman": round(rho, 4),
        "seconds": round(seconds, 2),
        "fit_seconds": round(fitted - started, 2),
        "sentences_per_second": round(len(texts) / max(seconds - (fitted - started), 1e-9), 1),
        # CPU time is what a busy machine does not distort: the speed an idle one would reach.
        "sentences_per_cpu_second": round(len(texts) / max(cpu, 1e-9), 1),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime
