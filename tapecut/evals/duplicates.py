"""``tapecut eval duplicates --reports CSV --pairs CSV``: how well duplicates are found.

``--reports`` has one report per row (GitBugs: ``Issue id``, ``Summary``, ``Description``);
``--pairs`` lists known duplicates (``Issue id,Duplicate id``). For every pair whose two reports
are both present, all other reports are ranked by our similarity to the duplicate, and we
look where its original lands: ``recall_at_5`` (original in the top five) and ``mrr``. The
similarity is the hybrid the duplicates stage uses to rank: lexical (BM25-weighted TF-IDF
cosine of words and character shingles) plus the embedding cosine. A plain word TF-IDF cosine
is measured in the same run as the baseline. Runs on a throwaway database.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from tapecut.analysis.text import jaccard, numbers, shingles
from tapecut.devtools.throwaway import throwaway_database
from tapecut.evals.classify import embed
from tapecut.evals.hybrid import hybrid_similarity

HELP = "Rank every report against each known duplicate; recall@5 and MRR."
csv.field_size_limit(10_000_000)


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--reports", required=True, type=Path)
    parser.add_argument("--pairs", required=True, type=Path)
    parser.add_argument("--id-column", default="Issue id")
    parser.add_argument("--text-columns", default="Summary,Description")
    parser.add_argument("--embedder", default="", help="dotted path (default: the configured)")
    parser.add_argument("--semantic-weight", type=float, default=None)
    parser.add_argument(
        "--pawsx", type=Path, default=None, help="PAWS-X TSV: how often its pairs would merge"
    )
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder to keep embeddings in between runs"
    )


def read_reports(path: Path, id_col: str, text_cols: list[str]) -> dict[str, str]:
    if not path.is_file():
        raise CommandError(f"--reports: no such file: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {id_col, *text_cols} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(f"--reports: no column {sorted(missing)} in {reader.fieldnames}")
        return {row[id_col].strip(): "\n".join(row[c] or "" for c in text_cols) for row in reader}


def read_pairs(path: Path, known: dict[str, str]) -> tuple[list[tuple[str, str]], int]:
    if not path.is_file():
        raise CommandError(f"--pairs: no such file: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh)][1:]
    usable = [(r[1].strip(), r[0].strip()) for r in rows if len(r) >= 2]
    present = [(d, o) for d, o in usable if d in known and o in known and d != o]
    if not present:
        raise CommandError("--pairs: no pair has both reports in --reports")
    return list(dict.fromkeys(present)), len(usable) - len(present)


def rank_metrics(sim: np.ndarray, queries: list[int], targets: list[int]) -> tuple[float, float]:
    """Row n of ``sim`` scores query ``queries[n]`` against every report."""
    ranks = []
    for n, (q, t) in enumerate(zip(queries, targets, strict=False)):
        row = np.array(sim[n], dtype=float)
        row[q] = -np.inf
        ranks.append(int((row > row[t]).sum()) + 1)
    r = np.asarray(ranks)
    return round(float((r <= 5).mean()), 4), round(float((1.0 / r).mean()), 4)


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    cols = [c.strip() for c in options["text_columns"].split(",") if c.strip()]
    reports = read_reports(options["reports"], options["id_column"], cols)
    pairs, skipped = read_pairs(options["pairs"], reports)
    ids = list(reports)
    texts = [reports[i] for i in ids]
    pos = {rid: n for n, rid in enumerate(ids)}
    started = time.perf_counter()
    with throwaway_database():
        name, vectors = embed(options["embedder"], texts, options.get("cache"))
    base = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    base = normalize(base)
    queries, targets = [pos[d] for d, _ in pairs], [pos[o] for _, o in pairs]
    b_recall, b_mrr = rank_metrics((base[queries] @ base.T).toarray(), queries, targets)
    weight = options.get("semantic_weight")
    sim = hybrid_similarity(
        texts, vectors, queries, **({} if weight is None else {"semantic_weight": weight})
    )
    recall, mrr = rank_metrics(sim, queries, targets)
    return {
        "recall_at_5": recall,
        "mrr": mrr,
        "baseline_recall_at_5": b_recall,
        "baseline_mrr": b_mrr,
        "pairs": len(pairs),
        "pairs_skipped": skipped,
        "reports": len(ids),
        "embedder": name,
        "seconds": round(time.perf_counter() - started, 1),
        **(automerge_rates(options["pawsx"]) if options.get("pawsx") else {}),
    }


def automerge_rates(path: Path) -> dict[str, Any]:
    """Share of PAWS-X pairs the automatic merge rule would merge: word-order paraphrases
    (label 0) must not be, so ``pawsx_false_merge_rate`` should be near zero."""
    if not path.is_file():
        raise CommandError(f"--pawsx: no such file: {path}")
    merged: dict[str, list[bool]] = {"0": [], "1": []}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            a, b, label = row.get("sentence1") or "", row.get("sentence2") or "", row.get("label")
            if label in merged and a and b:
                lexical = jaccard(shingles(a), shingles(b))
                rule = lexical >= settings.TAPECUT_AUTOMERGE_THRESHOLD and numbers(a) == numbers(b)
                merged[label].append(rule)
    return {
        "pawsx_pairs": len(merged["0"]) + len(merged["1"]),
        "pawsx_false_merge_rate": round(float(np.mean(merged["0"] or [False])), 4),
        "pawsx_paraphrase_merge_rate": round(float(np.mean(merged["1"] or [False])), 4),
    }
