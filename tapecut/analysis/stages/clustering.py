"""Clustering for the periodic re-clustering of themes.

The default, ``AgglomerativeClusterer``, joins reports (in the language-neutral space of
``langspace``) while the average cosine between two groups stays at or above
``TAPECUT_THEME_COHESION``: the closest texts, such as one problem told in two languages, join
first and are never pulled apart, and the theme count follows the data, not a fixed k. Above
``DIRECT_LIMIT`` reports it clusters a fixed sample of that many and gives every other report
the nearest of those clusters (memory and time stay bounded). ``HdbscanClusterer`` (PCA to
~10 dimensions, then HDBSCAN) stays for comparison: on SIB-200 it left more than half the texts
in no cluster (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

PCA_DIMS = 10
DIRECT_LIMIT = 4000


class Clusterer(Protocol):
    def cluster(self, vectors: np.ndarray) -> np.ndarray:
        """One label per row; -1 for rows that belong to no cluster."""
        ...


class NullClusterer:
    """Clusters nothing: themes stay as the reports joined them."""

    def cluster(self, vectors: np.ndarray) -> np.ndarray:
        return np.full(len(vectors), -1, dtype=np.int64)


class HdbscanClusterer:
    def __init__(self, min_cluster_size: int = 3) -> None:
        self.min_cluster_size = max(2, min_cluster_size)

    def cluster(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) < max(self.min_cluster_size, 3):
            return np.full(len(vectors), -1, dtype=np.int64)
        from sklearn.cluster import HDBSCAN
        from sklearn.decomposition import PCA

        dims = min(PCA_DIMS, vectors.shape[1], len(vectors) - 1)
        reduced = PCA(n_components=dims, random_state=0).fit_transform(vectors)
        model = HDBSCAN(min_cluster_size=self.min_cluster_size, copy=True)
        return np.asarray(model.fit_predict(reduced), dtype=np.int64)


class AgglomerativeClusterer:
    def __init__(self, cohesion: float = 0.1, min_cluster_size: int = 3) -> None:
        self.cohesion = cohesion
        self.min_cluster_size = max(2, min_cluster_size)

    def cluster(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) < 2:
            return np.full(len(vectors), -1, dtype=np.int64)
        if len(vectors) <= DIRECT_LIMIT:
            labels = self._join(vectors)
            sizes = np.bincount(labels)
            return np.where(sizes[labels] >= self.min_cluster_size, labels, -1).astype(np.int64)
        # Many reports: themes from a fixed sample, then every report to the nearest of them.
        sample = np.sort(np.random.default_rng(0).choice(len(vectors), DIRECT_LIMIT, replace=False))
        found = self.cluster(vectors[sample])
        clusters = sorted(set(found.tolist()) - {-1})
        if not clusters:
            return np.full(len(vectors), -1, dtype=np.int64)
        centres = np.vstack([vectors[sample[found == c]].mean(axis=0) for c in clusters])
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
        labels = np.empty(len(vectors), dtype=np.int64)
        # A member sits at about sqrt(cohesion) from its cluster's centre; farther ones are left
        # out (a problem too rare to be in the sample keeps its theme or joins a near one).
        near = float(np.sqrt(max(self.cohesion, 0.0)))
        for start in range(0, len(vectors), 10_000):
            block = vectors[start : start + 10_000] @ centres.T
            best = block.argmax(axis=1)
            ok = block[np.arange(len(block)), best] >= near
            labels[start : start + 10_000] = np.where(ok, np.asarray(clusters)[best], -1)
        labels[sample] = found
        return labels

    def _join(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=1.0 - self.cohesion,
            metric="cosine",
            linkage="average",
        )
        return np.asarray(model.fit_predict(vectors), dtype=np.int64)
