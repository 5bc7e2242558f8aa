"""A process-local approximate nearest-neighbour index (usearch HNSW) over stored embeddings.

Every worker keeps its own copy and brings it up to date from the database before it searches:
the state is keyed on how many embeddings there are, the highest report id and the latest
``analysed_at``. New or re-embedded rows are added (a re-embedded report replaces its old
vector); when the count no longer adds up (a report was deleted, the embedder changed) the
index is rebuilt from scratch. So several workers stay correct without talking to each other.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db.models import Count, Max

from tapecut.analysis.models import ReportAnalysis

# Rows analysed this long before the newest one seen are checked again: another worker may have
# committed them late.
LATE_COMMIT = timedelta(seconds=10)
CHUNK = 5000


@dataclass(frozen=True)
class Hit:
    report_id: int
    similarity: float


class VectorIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.index: Any = None
        self.embedder = ""
        self.dim = 0
        self.count = 0
        self.max_id = 0
        self.latest: datetime | None = None
        self.seen: dict[int, datetime | None] = {}  # report id → analysed_at of its vector

    def _stored(self, embedder: str) -> Any:
        return ReportAnalysis.objects.filter(embedder=embedder, embedding__isnull=False)

    def refresh(self, embedder: str, dim: int) -> None:
        """Bring the index up to date with the database (cheap when nothing changed)."""
        with self._lock:
            state = self._stored(embedder).aggregate(
                n=Count("id"), top=Max("report_id"), latest=Max("analysed_at")
            )
            current = (state["n"], state["top"] or 0, state["latest"])
            if self.index is None or (embedder, dim) != (self.embedder, self.dim):
                self._rebuild(embedder, dim)
            elif current != (self.count, self.max_id, self.latest):
                self._catch_up(embedder)
                if len(self.index) != state["n"]:
                    self._rebuild(embedder, dim)
            self.count, self.max_id, self.latest = current

    def _new_index(self, dim: int) -> Any:
        from usearch.index import Index

        return Index(ndim=dim, metric="cos", dtype="f32", connectivity=16, expansion_add=64)

    def _rebuild(self, embedder: str, dim: int) -> None:
        self.index, self.embedder, self.dim = self._new_index(dim), embedder, dim
        self.seen = {}
        self._add_rows(self._stored(embedder), replace=False)

    def _catch_up(self, embedder: str) -> None:
        window = self._stored(embedder).filter(report_id__gt=self.max_id)
        if self.latest is not None:
            late = self._stored(embedder).filter(analysed_at__gte=self.latest - LATE_COMMIT)
            window = window | late
        # Only the rows whose vector is newer than ours are read with their embedding.
        stale = [
            rid
            for rid, at in window.values_list("report_id", "analysed_at")
            if rid not in self.seen or self.seen[rid] != at
        ]
        for start in range(0, len(stale), 900):
            chunk = stale[start : start + 900]
            self._add_rows(self._stored(embedder).filter(report_id__in=chunk), replace=True)

    def _add_rows(self, rows: Any, *, replace: bool) -> None:
        keys: list[int] = []
        vectors: list[bytes] = []
        fields = ("report_id", "embedding", "analysed_at")
        for report_id, data, at in rows.values_list(*fields).iterator(CHUNK):
            self.seen[report_id] = at
            keys.append(report_id)
            vectors.append(bytes(data))
            if len(keys) >= CHUNK:
                self._add(keys, vectors, replace)
                keys, vectors = [], []
        if keys:
            self._add(keys, vectors, replace)

    def _add(self, keys: list[int], vectors: list[bytes], replace: bool) -> None:
        matrix = np.frombuffer(b"".join(vectors), dtype=np.float32).reshape(len(keys), -1)
        if matrix.shape[1] != self.dim:
            return  # written by an embedder of another size under the same name: skip
        ids = np.asarray(keys, dtype=np.uint64)
        if replace:
            present = [k for k in keys if self.index.contains(k)]
            if present:
                self.index.remove(np.asarray(present, dtype=np.uint64))
        self.index.add(ids, matrix, threads=2)

    def search(self, vectors: np.ndarray, k: int) -> list[list[Hit]]:
        """For each row, up to ``k`` stored reports by cosine similarity, best first."""
        with self._lock:
            if self.index is None or len(self.index) == 0 or len(vectors) == 0:
                return [[] for _ in range(len(vectors))]
            found = self.index.search(np.asarray(vectors, dtype=np.float32), k, threads=2)
        keys = np.atleast_2d(found.keys)
        dists = np.atleast_2d(found.distances)
        return [
            [Hit(int(key), float(1.0 - d)) for key, d in zip(krow, drow, strict=False) if d <= 2.0]
            for krow, drow in zip(keys, dists, strict=False)
        ]


_shared = VectorIndex()


def shared_index() -> VectorIndex:
    return _shared


def reset() -> None:
    """Forget the process-local index (tests, a changed embedder)."""
    global _shared
    _shared = VectorIndex()
