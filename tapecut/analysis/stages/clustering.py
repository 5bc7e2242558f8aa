"""Clustering for the periodic re-clustering of themes.

The default, ``AgglomerativeClusterer``, joins reports (in the language-neutral space of
``langspace``) while the average cosine between two groups stays at or above
``TAPECUT_THEME_COHESION``: the closest texts, such as one problem told in two languages, join
first and are never pulled apart, and the theme count follows the data, not a fixed k. Above
``DIRECT_LIMIT`` reports it first gathers them into that many k-means groups and joins those
(memory and time stay bounded). ``HdbscanClusterer`` (PCA to ~10 dimensions, then HDBSCAN)
stays for comparison: on SIB-200 it left more than half the texts in no cluster
(docs/benchmarks.md).
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
        else:
            from sklearn.cluster import MiniBatchKMeans

            groups = MiniBatchKMeans(
                n_clusters=DIRECT_LIMIT, random_state=0, n_init=1, batch_size=4096
            ).fit(vectors)
            centres = groups.cluster_centers_
            norms = np.linalg.norm(centres, axis=1, keepdims=True)
            labels = self._join(centres / np.where(norms == 0, 1.0, norms))[groups.labels_]
        sizes = np.bincount(labels)
        return np.where(sizes[labels] >= self.min_cluster_size, labels, -1).astype(np.int64)

    def _join(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(
            n_clusters=None,
            distance_threshold=1.0 - self.cohesion,
            metric="cosine",
            linkage="average",
        )
        return np.asarray(model.fit_predict(vectors), dtype=np.int64)
