"""``tapecut bench dedup``: group a million reports into duplicates, against plain datasketch.

The reports are made up, with known groups: campaigns (form letters copied by thousands of
people, each copy with small word edits and its sender's own name and address) among distinct
reports recombined from real sentences (``../shared/data``). Both methods get the same texts
and the same character shingles (``tapecut.analysis.text.shingles``):

* **Tapecut**: MinHash signatures and LSH band hashes from ``tapecut.analysis.stages.lexical``
  (rensa), the same functions the analysis pipeline uses; candidates by the rule of
  ``lexical.batch_pairs`` (each report against the 8 before it in a shared bucket), vectorised;
  kept when the signatures estimate a Jaccard of at least ``--threshold``; groups are the
  connected components.
* **datasketch** as one would use it plainly: ``MinHash.bulk`` and ``MinHashLSH`` with the same
  16 bands of 4 rows, streaming (a report joins the group of the first indexed report it
  matches with the same threshold, else is indexed itself).

Precision and recall are pairwise (over all pairs of reports, as B-cubed's simpler cousin).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tapecut.analysis.stages import lexical
from tapecut.analysis.text import shingles
from tapecut.bench import _campaigns, _sentences

HELP = "Duplicate grouping of N reports (campaign copies among distinct ones) vs datasketch."
CHUNK = 20_000
PAIR_CHUNK = 1_000_000
Signer = Callable[[list[set[str]]], np.ndarray]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reports", type=int, default=1_000_000, help="how many reports")
    parser.add_argument("--campaigns", type=int, default=50, help="form-letter templates")
    parser.add_argument(
        "--campaign-share", type=float, default=0.3, help="share of reports that are copies"
    )
    parser.add_argument("--max-edits", type=int, default=6, help="word edits per copy, at most")
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="estimated Jaccard to call a pair duplicates"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip datasketch")
    parser.add_argument(
        "--unsorted",
        action="store_true",
        help="hand rensa the shingle sets unsorted (same signatures as lexical.signatures, "
        "which sorts every set first)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")


@dataclass
class Timed:
    wall: float = 0.0
    cpu: float = 0.0

    def add(self, fn: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        return result

    def as_dict(self) -> dict[str, float]:
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2)}


# --- Tapecut's way ---------------------------------------------------------------------------


def tapecut_signatures(texts: list[str], sign: Signer = lexical.signatures) -> np.ndarray:
    sigs = np.zeros((len(texts), lexical.NUM_PERM), dtype=np.uint64)
    for start in range(0, len(texts), CHUNK):
        sets = [shingles(t) for t in texts[start : start + CHUNK]]
        sigs[start : start + len(sets)] = sign(sets)
        _progress("tapecut signatures", start + len(sets), len(texts))
    return sigs


def unsorted_signatures(shingle_sets: list[set[str]]) -> np.ndarray:
    """``lexical.signatures`` without sorting each set first: MinHash does not depend on the
    order of the tokens, so the signatures are the same (checked in test_dedup)."""
    import rensa

    out = np.zeros((len(shingle_sets), lexical.NUM_PERM), dtype=np.uint64)
    rows = [i for i, s in enumerate(shingle_sets) if s]
    if rows:
        matrix = rensa.RMinHash.digest_matrix_from_token_sets(
            [shingle_sets[i] for i in rows], num_perm=lexical.NUM_PERM, seed=lexical.SEED
        )
        out[rows] = np.asarray(matrix.to_rows(), dtype=np.uint64)
    return out


def bucket_pairs(hashes: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """``lexical.batch_pairs``' rule, vectorised: (later, earlier) rows sharing a bucket, each
    row paired with at most ``MAX_PER_BUCKET`` earlier rows of that bucket; sorted, unique."""
    n, bands = hashes.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), bands)
    buckets = hashes.ravel()
    keep = ~np.repeat(empty, bands)
    rows, buckets = rows[keep], buckets[keep]
    order = np.argsort(buckets, kind="stable")  # stable: rows stay ascending in a bucket
    buckets, rows = buckets[order], rows[order]
    found = []
    for back in range(1, lexical.MAX_PER_BUCKET + 1):
        same = buckets[back:] == buckets[:-back]
        later, earlier = rows[back:][same], rows[:-back][same]
        found.append(later * n + earlier)
    keys = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    pairs = np.stack([keys // n, keys % n], axis=1)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def similar(sigs: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """The pairs whose signatures agree in at least ``threshold`` of their positions."""
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), PAIR_CHUNK):
        chunk = pairs[start : start + PAIR_CHUNK]
        agree = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).mean(axis=1)
        keep[start : start + len(chunk)] = agree >= threshold
    return pairs[keep]


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), (n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def group_tapecut(
    texts: list[str], threshold: float, sign: Signer = lexical.signatures
) -> tuple[np.ndarray, dict[str, Any]]:
    stages = {name: Timed() for name in ("signatures", "bands", "pairs", "verify", "components")}
    sigs = stages["signatures"].add(lambda: tapecut_signatures(texts, sign))
    empty = ~sigs.any(axis=1)
    hashes = stages["bands"].add(lambda: lexical.band_hashes(sigs))
    candidates = stages["pairs"].add(lambda: bucket_pairs(hashes, empty))
    kept = stages["verify"].add(lambda: similar(sigs, candidates, threshold))
    labels = stages["components"].add(lambda: components(len(texts), kept))
    info: dict[str, Any] = {name: t.as_dict() for name, t in stages.items()}
    info.update(
        candidate_pairs=len(candidates),
        kept_pairs=len(kept),
        wall_s=round(sum(t.wall for t in stages.values()), 2),
        cpu_s=round(sum(t.cpu for t in stages.values()), 2),
    )
    return labels, info


# --- plain datasketch ------------------------------------------------------------------------


def group_datasketch(texts: list[str], threshold: float) -> tuple[np.ndarray, dict[str, Any]]:
    from datasketch import MinHash, MinHashLSH

    timer = Timed()
    lsh = MinHashLSH(num_perm=lexical.NUM_PERM, params=(lexical.BANDS, lexical.ROWS))
    indexed: dict[int, Any] = {}
    labels = np.arange(len(texts))

    def one_chunk(start: int) -> None:
        tokens = [[s.encode() for s in shingles(t)] for t in texts[start : start + CHUNK]]
        for offset, mh in enumerate(MinHash.bulk(tokens, num_perm=lexical.NUM_PERM)):
            row = start + offset
            match = next((k for k in lsh.query(mh) if mh.jaccard(indexed[k]) >= threshold), None)
            if match is None:
                lsh.insert(row, mh)
                indexed[row] = mh
            else:
                labels[row] = labels[match]

    for start in range(0, len(texts), CHUNK):
        timer.add(lambda start=start: one_chunk(start))  # type: ignore[misc]
        _progress("datasketch", min(start + CHUNK, len(texts)), len(texts))
    return labels, {**timer.as_dict(), "indexed": len(indexed)}


# --- how good --------------------------------------------------------------------------------


def _pairs_within(labels: np.ndarray) -> int:
    counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pairwise(truth: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Precision and recall over all pairs of reports put in one group."""
    both = truth.astype(np.int64) * (int(labels.max()) + 1) + labels
    true_pos = _pairs_within(both)
    predicted, actual = _pairs_within(labels), _pairs_within(truth)
    precision = true_pos / predicted if predicted else 1.0
    recall = true_pos / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "groups": len(np.unique(labels)),
        "distinct_grouped": _loners_grouped(truth, labels),
    }


def _loners_grouped(truth: np.ndarray, labels: np.ndarray) -> int:
    """Reports alone in their true group that were put with others: the false merges that
    pairwise precision hides when campaigns hold most of the pairs."""
    true_size = np.unique(truth, return_inverse=True, return_counts=True)
    found_size = np.unique(labels, return_inverse=True, return_counts=True)
    alone = true_size[2][true_size[1]] == 1
    grouped = found_size[2][found_size[1]] > 1
    return int((alone & grouped).sum())


def _progress(what: str, done: int, total: int) -> None:
    if done == total or done % (10 * CHUNK) == 0:
        sys.stderr.write(f"  {what}: {done:,}/{total:,}\n")


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    corpus = _sentences.load(with_email=False)
    rng = random.Random(options["seed"])
    sys.stderr.write(f"generating {options['reports']:,} reports from {corpus.source}\n")
    data = _campaigns.generate(
        options["reports"],
        corpus.sentences,
        rng,
        campaigns=options["campaigns"],
        share=options["campaign_share"],
        max_edits=options["max_edits"],
    )
    threshold = options["threshold"]
    sign = unsorted_signatures if options.get("unsorted") else lexical.signatures
    ours, ours_info = group_tapecut(data.texts, threshold, sign)
    result: dict[str, Any] = {
        "reports": len(data.texts),
        "source": corpus.source,
        "campaign_reports": int((data.truth < options["campaigns"]).sum()),
        "threshold": threshold,
        "signatures": "unsorted sets" if options.get("unsorted") else "lexical.signatures",
        "tapecut": {**ours_info, **pairwise(data.truth, ours)},
    }
    if not options.get("no_baseline"):
        theirs, their_info = group_datasketch(data.texts, threshold)
        result["datasketch"] = {**their_info, **pairwise(data.truth, theirs)}
        result["speedup_wall"] = round(their_info["wall_s"] / max(ours_info["wall_s"], 1e-9), 2)
        result["speedup_cpu"] = round(their_info["cpu_s"] / max(ours_info["cpu_s"], 1e-9), 2)
    if not options.get("json"):
        out.write(_summary(result))
    return result


def _summary(result: dict[str, Any]) -> str:
    lines = [f"{result['reports']:,} reports ({result['campaign_reports']:,} campaign copies)"]
    for name in ("tapecut", "datasketch"):
        if name in result:
            r = result[name]
            lines.append(
                f"  {name:10} {r['wall_s']:8.1f} s wall {r['cpu_s']:8.1f} s cpu  "
                f"precision {r['precision']:.3f} recall {r['recall']:.3f} groups {r['groups']:,} "
                f"(distinct reports grouped: {r['distinct_grouped']:,})"
            )
    return "\n".join(lines)
