"""``tapecut eval themes --data CSV``: the product's own themes over labelled texts.

The texts go through the product's code on a throwaway database, as reports would: language,
redaction, embedding and the theme stage (``tapecut.analysis.pipeline``) for a first half,
then re-clustering (``do_recluster``), then the second half through the per-report "nearest
theme" step, then re-clustering again. Measured against ``--label``: ``nmi`` and ``ari`` after
the last re-clustering (``assign_nmi`` and ``assign_pairs_together`` before it, i.e. what the
nearest-theme step did with the second half), ``pairs_together`` (share of ``--pair`` groups
whose texts all share one theme), ``unassigned`` (share of texts in no theme of at least
``TAPECUT_THEME_MIN_SIZE`` reports). The baseline is k-means on the raw embeddings with k =
the number of themes the product made, in the same run. ``--cache`` keeps the embeddings.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from tapecut.devtools.throwaway import throwaway_database

HELP = "Build themes with the product's code over labelled texts; NMI, ARI, pairs together."
SKIP = {"duplicates", "category", "impact"}  # stages that do not touch themes
csv.field_size_limit(10_000_000)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--data", required=True, type=Path, help="CSV with a header row")
    parser.add_argument("--text", default="text", help="column with the text")
    parser.add_argument("--label", default="label", help="column with the true topic")
    parser.add_argument("--pair", default="pair", help="column naming translation groups")
    parser.add_argument("--lang", default="lang", help="column with the language, if any")
    parser.add_argument("--embedder", default="", help="dotted path (default: the configured)")
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder to keep embeddings in between runs"
    )


def read_rows(path: Path, options: dict[str, Any]) -> list[dict[str, str]]:
    if not path.is_file():
        raise CommandError(
            f"--data: no such file: {path} (is the shared data folder absent on this machine?)"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        names = reader.fieldnames or []
        missing = {options["text"], options["label"]} - set(names)
        if missing:
            raise CommandError(f"--data: no column {sorted(missing)} in {names}")
        cols = {k: options[k] if options[k] in names else "" for k in ("pair", "lang")}
        rows = [
            {
                "text": r[options["text"]] or "",
                "label": r[options["label"]] or "",
                "pair": r[cols["pair"]] if cols["pair"] else "",
                "lang": r[cols["lang"]] if cols["lang"] else "",
            }
            for r in reader
        ]
    rows = [r for r in rows if r["text"].strip() and r["label"].strip()]
    if len(rows) < 10:
        raise CommandError(f"--data: fewer than 10 rows with text and label in {path}")
    return rows


class CachedEmbedder:
    """The configured embedder, answering from vectors computed (and cached) beforehand."""

    def __init__(self, real: Any, vectors: dict[str, np.ndarray]) -> None:
        self.real, self.vectors = real, vectors
        self.name, self.dim, self.billable = real.name, real.dim, False

    def embed(self, texts: list[str], ctx: Any) -> np.ndarray:
        if all(t in self.vectors for t in texts):
            return np.vstack([self.vectors[t] for t in texts])
        return np.asarray(self.real.embed(texts, ctx), dtype=np.float32)


def embed_cached(embedder: Any, texts: list[str], cache: Path | None) -> dict[str, np.ndarray]:
    """Vectors of ``texts``; with ``cache``, kept per text, so that a changed text costs one."""
    from tapecut.evals.classify import _embed, identity

    known: dict[str, np.ndarray] = {}
    key = hashlib.sha256(identity(embedder).encode()).hexdigest()[:12]
    cached = cache / f"texts-{key}.npz" if cache else None
    if cached is not None and cached.is_file():
        with np.load(cached, allow_pickle=False) as data:
            known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in texts if t not in known]
    if missing:
        _name, vectors = _embed(type(embedder)(), missing)  # a fresh one: a fit stays there
        known.update(zip(missing, vectors, strict=True))
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cached, texts=np.array(list(known)), vectors=np.vstack(list(known.values())))
    return {t: known[t] for t in texts}


def _reports(rows: list[dict[str, str]]) -> list[Any]:
    from tapecut.analysis.factories import make_report

    return [make_report(r["text"], language=r["lang"][:8]) for r in rows]


def _stages(options: dict[str, Any], reports: list[Any]) -> Any:
    """The product's stages, with the embedder answering from the (cached) vectors of the
    redacted texts, which the product embeds."""
    from tapecut.ai import registry
    from tapecut.analysis import pipeline
    from tapecut.analysis.stages import embedding
    from tapecut.analysis.stages.duplicates import Space
    from tapecut.analysis.stages_config import build

    chosen = build(SKIP)
    works = pipeline.prepare(reports)
    pipeline.stage_language(works, chosen)
    pipeline.stage_redaction(works, chosen)
    texts = list(dict.fromkeys(w.analysis.redacted_text[: embedding.MAX_CHARS] for w in works))
    path = options.get("embedder") or settings.TAPECUT_AI_EMBEDDER
    real = registry.import_backend(path)()
    chosen.embedder = CachedEmbedder(real, embed_cached(real, texts, options.get("cache")))
    chosen.space = Space(real.name, embedding.baseline(chosen.embedder))
    return chosen


def _analyse(reports: list[Any], chosen: Any) -> None:
    from tapecut.analysis import pipeline

    for start in range(0, len(reports), pipeline.BATCH):
        pipeline.analyse_reports(reports[start : start + pipeline.BATCH], chosen)


def _themes_of(reports: list[Any]) -> list[int]:
    from tapecut.analysis.models import ReportAnalysis

    theme = dict(
        ReportAnalysis.objects.filter(report__in=reports).values_list("report_id", "theme_id")
    )
    return [theme.get(r.pk) or -r.pk for r in reports]  # no theme: a group of its own


def _pairs_together(rows: list[dict[str, str]], themes: list[int]) -> float | None:
    groups: dict[str, set[int]] = defaultdict(set)
    for row, theme in zip(rows, themes, strict=True):
        if row["pair"]:
            groups[row["pair"]].add(theme)
    multi = [g for p, g in groups.items() if sum(r["pair"] == p for r in rows) > 1]
    return round(sum(len(g) == 1 for g in multi) / len(multi), 4) if multi else None


def scores(rows: list[dict[str, str]], themes: list[int]) -> dict[str, Any]:
    labels = [r["label"] for r in rows]
    sizes = Counter(themes)
    small = sum(sizes[t] < settings.TAPECUT_THEME_MIN_SIZE for t in themes)
    out: dict[str, Any] = {
        "nmi": round(float(normalized_mutual_info_score(labels, themes)), 4),
        "ari": round(float(adjusted_rand_score(labels, themes)), 4),
        "unassigned": round(small / len(themes), 4),
        "themes": len(sizes),
        "themes_of_min_size": sum(n >= settings.TAPECUT_THEME_MIN_SIZE for n in sizes.values()),
    }
    together = _pairs_together(rows, themes)
    if together is not None:
        out["pairs_together"] = together
    return out


def baseline(rows: list[dict[str, str]], vectors: np.ndarray, k: int) -> dict[str, float]:
    labels = [r["label"] for r in rows]
    got = KMeans(n_clusters=max(1, min(k, len(rows))), n_init=4, random_state=0).fit_predict(
        vectors
    )
    return {
        "baseline_nmi": round(float(normalized_mutual_info_score(labels, got)), 4),
        "baseline_ari": round(float(adjusted_rand_score(labels, got)), 4),
    }


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    from tapecut.analysis import actions
    from tapecut.analysis.models import ReportAnalysis

    rows = read_rows(options["data"], options)
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)  # noqa: S311 - a fixed order, not a secret
    rows = [rows[i] for i in order]
    started = time.perf_counter()
    with throwaway_database():
        reports = _reports(rows)
        chosen = _stages(options, reports)
        embedded = time.perf_counter()
        half = len(reports) // 2
        _analyse(reports[:half], chosen)
        actions.do_recluster(chosen=chosen)
        _analyse(reports[half:], chosen)
        assigned = scores(rows, _themes_of(reports))
        actions.do_recluster(chosen=chosen)
        result = scores(rows, _themes_of(reports))
        raw = {
            rid: np.frombuffer(bytes(v or b""), np.float32)
            for rid, v in ReportAnalysis.objects.filter(report__in=reports).values_list(
                "report_id", "embedding"
            )
        }
        vectors = np.vstack([raw[r.pk] for r in reports])
        finished = time.perf_counter()
    seconds = round(time.perf_counter() - started, 1)
    result.update(baseline(rows, vectors, result["themes"]))
    result.update(
        assign_nmi=assigned["nmi"],
        assign_pairs_together=assigned.get("pairs_together"),
        assign_unassigned=assigned["unassigned"],
        texts=len(rows),
        data=str(options["data"]),
        label=options["label"],
        embedder=chosen.embedder.name,
        seconds=seconds,
        theme_seconds=round(finished - embedded, 1),
        load_average=round(os.getloadavg()[0], 1),
    )
    return result
