"""Clustering for the periodic re-clustering of themes: PCA to ~10 dimensions, then HDBSCAN.

On raw embeddings HDBSCAN is slow and finds few clusters; after PCA it takes about a second
for ten thousand reports (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

PCA_DIMS = 10


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
