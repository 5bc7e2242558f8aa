"""Lexical near-duplicates: MinHash signatures of character shingles, banded for LSH.

Signatures come from ``rensa`` (MinHash in Rust, pinned) or, where it is missing, from
``datasketch``. The two give different hashes, so a database filled by one must be re-analysed
(``tapecut analyse --all``) after switching. Band hashes live in the ``LshBand`` table, indexed by
bucket, so every worker finds the same candidates. The score of a pair is the exact Jaccard
similarity of the two shingle sets, computed only for the few candidates LSH proposes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS  # a pair with Jaccard 0.5 shares a band with probability ~0.65
SEED = 20261126
# Per report, how many earlier reports of one shared bucket become candidates.
MAX_PER_BUCKET = 8
# Per report, how many stored candidates (most shared bands first) are scored.
MAX_CANDIDATES = 20
_MIX = np.array([(0x9E3779B97F4A7C15 * (i + 1)) % 2**64 | 1 for i in range(ROWS)], dtype=np.uint64)


def backend() -> str:
    try:
        import rensa  # noqa: F401
    except ImportError:
        return "datasketch"
    return "rensa"


def signatures(shingle_sets: Sequence[Collection[str]]) -> np.ndarray:
    """(n, NUM_PERM) uint64 MinHash signatures; empty sets give a row of zeros.

    Sets or lists (``text.shingle_list``): repeats do not change a minimum.
    """
    out = np.zeros((len(shingle_sets), NUM_PERM), dtype=np.uint64)
    rows = [i for i, s in enumerate(shingle_sets) if s]
    if not rows:
        return out
    # MinHash takes a minimum over the set, so order does not matter: no sort (it cost ~25 %).
    tokens = [s if isinstance(s, list) else list(s) for s in (shingle_sets[i] for i in rows)]
    if backend() == "rensa":
        import rensa

        matrix = rensa.RMinHash.digest_matrix_from_token_sets(tokens, num_perm=NUM_PERM, seed=SEED)
        out[rows] = np.asarray(matrix.to_rows(), dtype=np.uint64)
    else:
        out[rows] = _datasketch(tokens)
    return out


def _datasketch(tokens: list[list[str]]) -> np.ndarray:
    from datasketch import MinHash

    digests = []
    for toks in tokens:
        mh = MinHash(num_perm=NUM_PERM, seed=SEED % (2**32))
        mh.update_batch([t.encode("utf-8") for t in toks])
        digests.append(mh.digest())
    return np.asarray(digests, dtype=np.uint64)


def band_hashes(sigs: np.ndarray) -> np.ndarray:
    """(n, BANDS) int64 bucket ids; each band's number is mixed in, so one index serves all."""
    bands = sigs.reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (bands * _MIX).sum(axis=2, dtype=np.uint64)
        mixed ^= np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        mixed ^= mixed >> np.uint64(31)
    return mixed.view(np.int64)


def batch_pairs(
    report_ids: list[int], hashes: np.ndarray, empty: np.ndarray
) -> set[tuple[int, int]]:
    """Pairs (later, earlier) within one batch that share a bucket; ids ascending = older first."""
    buckets: dict[int, list[int]] = defaultdict(list)
    order = np.argsort(np.asarray(report_ids), kind="stable")
    for row in order:
        if empty[row]:
            continue
        for bucket in hashes[row].tolist():
            buckets[bucket].append(report_ids[row])
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for i in range(1, len(members)):
            for earlier in members[max(0, i - MAX_PER_BUCKET) : i]:
                if earlier != members[i]:
                    pairs.add((members[i], earlier))
    return pairs


def rank_stored(
    hits: Iterable[tuple[int, int]], limit: int = MAX_CANDIDATES
) -> dict[int, list[int]]:
    """From (report_id_of_batch_row, stored_report_id) hits, the stored ids sharing most bands."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for mine, other in hits:
        if mine != other:
            counts[mine][other] += 1
    return {
        mine: sorted(others, key=lambda o: (-others[o], -o))[:limit]
        for mine, others in counts.items()
    }
