"""Duplicates: lexical (MinHash/LSH through the ``LshBand`` table) and semantic (ANN index).

For each report the finder proposes earlier reports with a lexical score (exact Jaccard of
character shingles) and a semantic score (cosine, centred on the embedder's typical cosine
between unrelated reports so that one threshold fits every embedder). The pipeline turns these
into automatic merges or suggestions (see ``tapecut.analysis.duplicate_links``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from django.db import connection
from django.db.models import Count

from tapecut.analysis import ann
from tapecut.analysis.models import LshBand, ReportAnalysis
from tapecut.analysis.stages import lexical
from tapecut.analysis.text import jaccard, numbers, shingle_list, shingles

ANN_K = 10
# Pairs below these raw scores are not worth keeping as candidates at all.
MIN_JACCARD = 0.3
MIN_SEMANTIC = 0.5
BUCKET_QUERY_CHUNK = 2000
# Buckets with more stored reports than this are read only for their latest POPULAR_KEEP,
# and at most MAX_POPULAR_QUERIES of them per batch (the ANN index still sees the rest).
POPULAR_BUCKET = 50
POPULAR_KEEP = 8
MAX_POPULAR_QUERIES = 200


@dataclass(frozen=True)
class DupItem:
    report_id: int
    text: str
    vector: np.ndarray | None


@dataclass(frozen=True)
class Candidate:
    report_id: int  # the later report
    original_id: int  # the earlier one
    lexical: float
    semantic: float
    same_numbers: bool

    @property
    def score(self) -> float:
        return max(self.lexical, self.semantic)

    @property
    def kind(self) -> str:
        return "lexical" if self.lexical >= self.semantic else "semantic"


@dataclass(frozen=True)
class Space:
    """Which stored vectors to search, and the cosine of unrelated texts in that space."""

    embedder: str
    baseline: float = 0.0

    def centre(self, cosine: float) -> float:
        return (cosine - self.baseline) / (1.0 - self.baseline)

    def uncentre(self, score: float) -> float:
        return score * (1.0 - self.baseline) + self.baseline


class DuplicateFinder(Protocol):
    def find(self, items: list[DupItem], space: Space) -> list[Candidate]: ...


class NullDuplicateFinder:
    """Finds nothing: every report stands alone."""

    def find(self, items: list[DupItem], space: Space) -> list[Candidate]:
        return []


class HybridDuplicateFinder:
    def find(self, items: list[DupItem], space: Space) -> list[Candidate]:
        if not items:
            return []
        # Lists sign as sets do, at half the cost; sets only for the pairs that are scored.
        lists = [shingle_list(it.text) for it in items]
        lex_pairs = self._lexical_pairs(items, lists)
        sem = self._semantic_pairs(items, space)
        return _score(items, lex_pairs, sem)

    def _lexical_pairs(self, items: list[DupItem], lists: list[list[str]]) -> set[tuple[int, int]]:
        ids = [it.report_id for it in items]
        empty = np.array([not s for s in lists])
        hashes = lexical.band_hashes(lexical.signatures(lists))
        pairs = lexical.batch_pairs(ids, hashes, empty)
        stored = lexical.rank_stored(_stored_hits(ids, hashes, empty))
        for mine, others in stored.items():
            pairs |= {(max(mine, o), min(mine, o)) for o in others}
        _store_bands(ids, hashes, empty)
        return pairs

    def _semantic_pairs(self, items: list[DupItem], space: Space) -> dict[tuple[int, int], float]:
        rows = [i for i, it in enumerate(items) if it.vector is not None and np.any(it.vector)]
        if not rows:
            return {}
        vectors = np.vstack([np.asarray(items[i].vector) for i in rows]).astype(np.float32)
        index = ann.shared_index()
        index.refresh(space.embedder, vectors.shape[1])
        found: dict[tuple[int, int], float] = {}
        for row, hits in zip(rows, index.search(vectors, ANN_K + 1), strict=False):
            mine = items[row].report_id
            for hit in hits:
                _keep(found, mine, hit.report_id, space.centre(hit.similarity))
        sims = vectors @ vectors.T
        close = np.nonzero(np.triu(sims, 1) >= space.uncentre(MIN_SEMANTIC))
        for a, b in zip(*close, strict=True):
            _keep(
                found, items[rows[a]].report_id, items[rows[b]].report_id, space.centre(sims[a, b])
            )
        return found


def _keep(found: dict[tuple[int, int], float], a: int, b: int, score: float) -> None:
    if a != b and score >= MIN_SEMANTIC:
        key = (max(a, b), min(a, b))
        found[key] = max(found.get(key, 0.0), float(score))


def _stored_hits(ids: list[int], hashes: np.ndarray, empty: np.ndarray) -> list[tuple[int, int]]:
    owners: dict[int, list[int]] = defaultdict(list)
    for row, rid in enumerate(ids):
        if not empty[row]:
            for bucket in hashes[row].tolist():
                owners[bucket].append(rid)
    hits: list[tuple[int, int]] = []
    mine = set(ids)
    for bucket, others in _bucket_members(list(owners)):
        for other in others:
            if other not in mine:
                hits += [(rid, other) for rid in owners[bucket]]
    return hits


def _bucket_members(buckets: list[int]) -> list[tuple[int, list[int]]]:
    """Stored reports per bucket. A bucket shared by very many reports (a stock phrase) gives
    only its latest few: reading thousands of rows for it would say little and cost much."""
    out: list[tuple[int, list[int]]] = []
    for start in range(0, len(buckets), BUCKET_QUERY_CHUNK):
        chunk = buckets[start : start + BUCKET_QUERY_CHUNK]
        sizes = dict(
            LshBand.objects.filter(bucket__in=chunk)
            .values_list("bucket")
            .annotate(n=Count("id"))
            .values_list("bucket", "n")
        )
        small = [b for b, n in sizes.items() if n <= POPULAR_BUCKET]
        members: dict[int, list[int]] = defaultdict(list)
        for other, bucket in LshBand.objects.filter(bucket__in=small).values_list(
            "report_id", "bucket"
        ):
            members[bucket].append(other)
        out += list(members.items())
        popular = sorted(
            (b for b, n in sizes.items() if n > POPULAR_BUCKET), key=lambda b: sizes[b]
        )
        for bucket in popular[:MAX_POPULAR_QUERIES]:
            latest = LshBand.objects.filter(bucket=bucket).order_by("-report_id")
            out.append((bucket, list(latest.values_list("report_id", flat=True)[:POPULAR_KEEP])))
    return out


def _store_bands(ids: list[int], hashes: np.ndarray, empty: np.ndarray) -> None:
    for start in range(0, len(ids), 900):
        LshBand.objects.filter(report_id__in=ids[start : start + 900]).delete()
    rows = [
        (rid, band, bucket)
        for row, rid in enumerate(ids)
        if not empty[row]
        for band, bucket in enumerate(hashes[row].tolist())
    ]
    # Sixteen rows a report: plain executemany, without a model instance for each.
    table = connection.ops.quote_name(LshBand._meta.db_table)
    sql = f"INSERT INTO {table} (report_id, band, bucket) VALUES (%s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _score(
    items: list[DupItem],
    lex_pairs: set[tuple[int, int]],
    sem: dict[tuple[int, int], float],
) -> list[Candidate]:
    texts = {it.report_id: it.text for it in items}
    sets: dict[int, set[str]] = {}

    def shingle_set(rid: int) -> set[str]:
        if rid not in sets:
            sets[rid] = shingles(texts[rid])
        return sets[rid]

    wanted = {rid for pair in (*lex_pairs, *sem) for rid in pair} - set(texts)
    stored = ReportAnalysis.objects.filter(report_id__in=wanted).values_list(
        "report_id", "redacted_text"
    )
    texts.update(dict(stored))
    out = []
    for later, earlier in lex_pairs | set(sem):
        if later not in texts or earlier not in texts:
            continue
        lex = jaccard(shingle_set(later), shingle_set(earlier))
        cos = sem.get((later, earlier), 0.0)
        if lex >= MIN_JACCARD or cos >= MIN_SEMANTIC:
            same = numbers(texts[later]) == numbers(texts[earlier])
            out.append(Candidate(later, earlier, round(lex, 4), round(cos, 4), same))
    return out
