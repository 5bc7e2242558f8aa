"""The periodic re-clustering of all themes (``do_recluster``; ``tapecut analyse --recluster``).

Clusters from HDBSCAN (after PCA) take over the existing theme they share most reports with, so
that theme ids, and the changes the team hangs on them, survive. Reports HDBSCAN leaves out
join the nearest cluster when close enough, else keep their theme. A theme nothing is left in is
deleted, unless another app still points at it (then it stays, with no reports).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.clustering import Clusterer
from tapecut.analysis.stages.duplicates import Space
from tapecut.analysis.stages.labels import Labeler
from tapecut.analysis.themes import relabel, unit, update_stats


@dataclass(frozen=True)
class ReclusterResult:
    reports: int
    clusters: int
    themes: int
    moved: int
    deleted: int
    titled: int


def load_vectors(embedder: str) -> tuple[list[int], list[int | None], np.ndarray]:
    ids, themes, rows = [], [], []
    qs = ReportAnalysis.objects.filter(embedder=embedder, embedding__isnull=False)
    for pk, theme_id, data in qs.values_list("id", "theme_id", "embedding").iterator(5000):
        ids.append(pk)
        themes.append(theme_id)
        rows.append(np.frombuffer(bytes(data or b""), dtype=np.float32))
    dims = Counter(r.shape[0] for r in rows)
    dim = dims.most_common(1)[0][0] if dims else 1
    keep = [i for i, r in enumerate(rows) if r.shape[0] == dim and np.any(r)]
    matrix = np.vstack([rows[i] for i in keep]) if keep else np.zeros((0, dim), np.float32)
    return [ids[i] for i in keep], [themes[i] for i in keep], matrix


def recluster(clusterer: Clusterer, labeler: Labeler, space: Space) -> ReclusterResult:
    ids, old, vectors = load_vectors(space.embedder)
    labels = clusterer.cluster(vectors) if len(ids) else np.zeros(0, dtype=np.int64)
    labels = _attach_noise(unit(vectors), labels, space)
    planned = _theme_for_clusters(labels, old)
    with transaction.atomic():
        created = _create_missing(planned)
        new = [created[t] if isinstance(t, str) else t for t in planned]
        moved = [(pk, t) for pk, t, was in zip(ids, new, old, strict=True) if t != was]
        _save_moves(moved)
        _save_centroids(new, vectors)
        touched = {t for t in [*new, *old] if t}
        update_stats(touched)
        deleted = _drop_empty(touched)
    live = sorted({t for t in new if t})
    titled = relabel(live, labeler)
    clusters = len({c for c in labels.tolist() if c >= 0})
    return ReclusterResult(len(ids), clusters, len(live), len(moved), deleted, titled)


def _attach_noise(vectors: np.ndarray, labels: np.ndarray, space: Space) -> np.ndarray:
    """Rows outside every cluster join the nearest cluster centroid when close enough."""
    clusters = sorted({c for c in labels.tolist() if c >= 0})
    noise = np.flatnonzero(labels < 0)
    if not clusters or not len(noise):
        return labels
    centroids = unit(np.vstack([vectors[labels == c].mean(axis=0) for c in clusters]))
    sims = vectors[noise] @ centroids.T
    best = sims.argmax(axis=1)
    ok = sims[np.arange(len(noise)), best] >= space.uncentre(settings.TAPECUT_THEME_THRESHOLD)
    out = labels.copy()
    out[noise[ok]] = np.asarray(clusters)[best[ok]]
    return out


def _theme_for_clusters(labels: np.ndarray, old: list[int | None]) -> list[int | str | None]:
    """Each cluster takes the old theme it overlaps most (greedy, largest overlap first)."""
    overlap: Counter[tuple[int, int]] = Counter(
        (c, t) for c, t in zip(labels.tolist(), old, strict=False) if c >= 0 and t
    )
    owner: dict[int, int] = {}
    used: set[int] = set()
    for (cluster, theme), _n in overlap.most_common():
        if cluster not in owner and theme not in used:
            owner[cluster] = theme
            used.add(theme)
    out: list[int | str | None] = []
    for c, t in zip(labels.tolist(), old, strict=False):
        if c >= 0:
            out.append(owner.get(c, f"new:{c}"))
        elif t and t not in used:
            out.append(t)  # outside every cluster: stays where it was
        else:
            out.append(f"alone:{len(out)}")  # its old theme went to a cluster
    return out


def _create_missing(new: list[int | str | None]) -> dict[str, int]:
    wanted = sorted({t for t in new if isinstance(t, str)})
    themes = Theme.objects.bulk_create([Theme() for _ in wanted], batch_size=1000)
    if themes and themes[0].pk is None:  # a backend that returns no ids
        latest = list(Theme.objects.order_by("-id")[: len(themes)])[::-1]
        themes = latest
    return {key: theme.pk for key, theme in zip(wanted, themes, strict=False)}


def _save_moves(moved: list[tuple[int, int | None]]) -> None:
    by_theme: dict[int, list[int]] = defaultdict(list)
    for pk, theme in moved:
        if isinstance(theme, int):
            by_theme[theme].append(pk)
    for theme, pks in by_theme.items():
        for start in range(0, len(pks), 900):
            ReportAnalysis.objects.filter(pk__in=pks[start : start + 900]).update(theme_id=theme)


def _save_centroids(new: list[int | None], vectors: np.ndarray) -> None:
    rows: dict[int, list[int]] = defaultdict(list)
    for row, theme_id in enumerate(new):
        if theme_id:
            rows[theme_id].append(row)
    themes = list(Theme.objects.filter(pk__in=list(rows)).only("id", "centroid"))
    for theme in themes:
        theme.centroid = vectors[rows[theme.pk]].mean(axis=0).astype(np.float32).tobytes()
        theme.updated_at = timezone.now()
    Theme.objects.bulk_update(themes, ["centroid", "updated_at"], batch_size=1000)


def _drop_empty(touched: set[int]) -> int:
    deleted = 0
    for theme in Theme.objects.filter(pk__in=touched, report_count=0):
        if _referenced(theme):
            continue
        theme.delete()
        deleted += 1
    return deleted


def _referenced(theme: Theme) -> bool:
    """Whether any model besides the analyses points at the theme (a change, for instance)."""
    for rel in Theme._meta.related_objects:
        model = rel.related_model
        if model is ReportAnalysis or isinstance(model, str):
            continue
        related = model._default_manager.filter(**{rel.field.name: theme})
        if related.exists():
            return True
    return False
