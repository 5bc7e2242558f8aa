"""``tapecut bench dedup``: group a million reports into duplicates, against plain datasketch.

The reports are made up, with known groups: campaigns (form letters copied by thousands of
people, each copy with small word edits and its sender's own name and address) among distinct
reports recombined from real sentences (``../shared/data``). Both methods get the same texts
and the same character shingles (``tapecut.analysis.text.shingles``):

* **Tapecut**: MinHash signatures and LSH band hashes from ``tapecut.analysis.stages.lexical``
  (rensa), the same functions the analysis pipeline uses, fed the shingles as lists
  (``text.shingle_list``: the same signatures without building sets); candidates by the rule of
  ``lexical.batch_pairs`` (each report against the 8 before it in a shared bucket), vectorised.
  A pair whose signatures estimate a Jaccard well above ``--threshold`` is kept, one well below
  is dropped; one near it (``recheck_band``) is decided by the exact Jaccard of the two shingle
  sets, as the pipeline's ``duplicates._score`` decides every pair. Groups are the connected
  components.
* **datasketch** as one would use it plainly: ``MinHash.bulk`` and ``MinHashLSH`` with the same
  16 bands of 4 rows, streaming (a report joins the group of the first indexed report it
  matches with the same threshold, else is indexed itself).

Precision and recall are pairwise (over all pairs of reports, as B-cubed's simpler cousin).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.base import CommandError

from tapecut.analysis.stages import lexical
from tapecut.analysis.text import jaccard, shingle_list, shingles
from tapecut.bench import _campaigns, _sentences

HELP = "Duplicate grouping of N reports (campaign copies among distinct ones) vs datasketch."
CHUNK = 20_000
PAIR_CHUNK = 1_000_000
# Pairs re-checked at a time: each holds up to two shingle sets (~50 KB each in Python).
RECHECK_CHUNK = 4_096
# Half-width of the re-check band in standard errors of the estimate (see ``recheck_band``).
RECHECK_SIGMAS = 2.5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reports", type=int, default=1_000_000, help="how many reports")
    parser.add_argument("--campaigns", type=int, default=50, help="form-letter templates")
    parser.add_argument(
        "--campaign-share", type=float, default=0.3, help="share of reports that are copies"
    )
    parser.add_argument("--max-edits", type=int, default=6, help="word edits per copy, at most")
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="Jaccard to call a pair duplicates (estimated; computed exactly near the threshold)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip datasketch")
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


@dataclass(frozen=True)
class Grouping:
    labels: np.ndarray  # with the exact re-check
    estimate_only: np.ndarray  # the estimate alone decides (for the figures, not timed)
    info: dict[str, Any]


def tapecut_signatures(texts: list[str]) -> np.ndarray:
    sigs = np.zeros((len(texts), lexical.NUM_PERM), dtype=np.uint64)
    for start in range(0, len(texts), CHUNK):
        lists = [shingle_list(t) for t in texts[start : start + CHUNK]]
        sigs[start : start + len(lists)] = lexical.signatures(lists)
        _progress("tapecut signatures", start + len(lists), len(texts))
    return sigs


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


def estimates(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard per pair: the share of signature positions that agree (k / 64)."""
    out = np.zeros(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), PAIR_CHUNK):
        chunk = pairs[start : start + PAIR_CHUNK]
        out[start : start + len(chunk)] = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).mean(axis=1)
    return out


def recheck_band(threshold: float) -> float:
    """Half-width of the band around ``threshold`` in which the estimate does not decide.

    The estimate from 64 permutations is a binomial share with standard error
    sqrt(J(1-J)/64): 0.0625 at J = 0.5, its largest. The band is 2.5 of those (0.156 at 0.5;
    with the estimate's steps of 1/64 it runs from 22/64 to 42/64). By the binomial tail, a pair
    with a true Jaccard of 0.45 is estimated above the band 0.07 % of the time, and one of 0.38,
    the typical false merge (two distinct reports sharing one long sentence), 7 times in a
    million; a pair of 0.55 falls below it 0.03 % of the time.
    """
    return RECHECK_SIGMAS * math.sqrt(threshold * (1 - threshold) / lexical.NUM_PERM)


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), (n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def open_pairs(labels: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The pairs that would join two groups: a pair inside a group changes nothing either way,
    so only these need the exact check."""
    return pairs[labels[pairs[:, 0]] != labels[pairs[:, 1]]]


def exact_similar(texts: list[str], pairs: np.ndarray, threshold: float) -> np.ndarray:
    """Per pair, whether the exact Jaccard of the two shingle sets reaches ``threshold``.
    Sets are made per chunk and dropped after it: all million would need tens of GB."""
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), RECHECK_CHUNK):
        chunk = pairs[start : start + RECHECK_CHUNK]
        sets = {row: shingles(texts[row]) for row in np.unique(chunk).tolist()}
        keep[start : start + len(chunk)] = [
            jaccard(sets[a], sets[b]) >= threshold for a, b in chunk.tolist()
        ]
    return keep


def settle(
    texts: list[str],
    pairs: np.ndarray,
    estimated: np.ndarray,
    threshold: float,
    timers: dict[str, Timed],
) -> tuple[np.ndarray, dict[str, Any]]:
    """Groups from the candidate pairs: sure ones by their estimate, near ones by exact Jaccard.

    Times go to ``timers["components"]`` and ``timers["recheck"]``."""
    band = recheck_band(threshold)
    sure = estimated >= threshold + band
    near = pairs[(estimated >= threshold - band) & ~sure]
    first = timers["components"].add(lambda: components(len(texts), pairs[sure]))
    doubtful = timers["recheck"].add(lambda: open_pairs(first, near))
    passed = timers["recheck"].add(lambda: doubtful[exact_similar(texts, doubtful, threshold)])
    groups = int(first.max(initial=-1)) + 1
    joined = timers["components"].add(lambda: components(groups, first[passed]))
    counts = {
        "recheck_band": [round(threshold - band, 4), round(threshold + band, 4)],
        "sure_pairs": int(sure.sum()),
        "near_pairs": len(near),
        "rechecked_pairs": len(doubtful),
        "recheck_kept": len(passed),
    }
    return joined[first], counts


def group_tapecut(texts: list[str], threshold: float) -> Grouping:
    names = ("signatures", "bands", "pairs", "estimate", "components", "recheck")
    stages = {name: Timed() for name in names}
    sigs = stages["signatures"].add(lambda: tapecut_signatures(texts))
    empty = ~sigs.any(axis=1)
    hashes = stages["bands"].add(lambda: lexical.band_hashes(sigs))
    candidates = stages["pairs"].add(lambda: bucket_pairs(hashes, empty))
    estimated = stages["estimate"].add(lambda: estimates(sigs, candidates))
    labels, counts = settle(texts, candidates, estimated, threshold, stages)
    info: dict[str, Any] = {name: t.as_dict() for name, t in stages.items()}
    info.update(
        counts,
        candidate_pairs=len(candidates),
        wall_s=round(sum(t.wall for t in stages.values()), 2),
        cpu_s=round(sum(t.cpu for t in stages.values()), 2),
    )
    estimate_only = components(len(texts), candidates[estimated >= threshold])
    return Grouping(labels, estimate_only, info)


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
        "false_pairs": predicted - true_pos,
        "missed_pairs": actual - true_pos,
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
    _check(options)
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
    ours = group_tapecut(data.texts, threshold)
    ours_info = ours.info
    result: dict[str, Any] = {
        "reports": len(data.texts),
        "source": corpus.source,
        "campaign_reports": int((data.truth < options["campaigns"]).sum()),
        "threshold": threshold,
        "tapecut": {
            **ours_info,
            **pairwise(data.truth, ours.labels),
            "estimate_only": pairwise(data.truth, ours.estimate_only),
        },
    }
    if not options.get("no_baseline"):
        theirs, their_info = group_datasketch(data.texts, threshold)
        result["datasketch"] = {**their_info, **pairwise(data.truth, theirs)}
        result["speedup_wall"] = round(their_info["wall_s"] / max(ours_info["wall_s"], 1e-9), 2)
        result["speedup_cpu"] = round(their_info["cpu_s"] / max(ours_info["cpu_s"], 1e-9), 2)
    if not options.get("json"):
        out.write(_summary(result))
    return result


def _check(options: dict[str, Any]) -> None:
    if options["reports"] < 1 or options["campaigns"] < 0 or options["max_edits"] < 0:
        raise CommandError("--reports must be at least 1, --campaigns and --max-edits at least 0")
    if not 0 <= options["campaign_share"] <= 1 or not 0 < options["threshold"] < 1:
        raise CommandError("--campaign-share must lie in [0, 1] and --threshold in (0, 1)")


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
    if "tapecut" in result:
        r = result["tapecut"]
        lines.append(
            f"  tapecut re-check: {r['rechecked_pairs']:,} of {r['near_pairs']:,} pairs near the "
            f"threshold checked exactly, {r['recheck_kept']:,} kept; distinct reports grouped "
            f"{r['estimate_only']['distinct_grouped']:,} by the estimate alone"
        )
    return "\n".join(lines) + "\n"
