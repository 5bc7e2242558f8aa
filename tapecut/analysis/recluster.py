"""The periodic re-clustering of all themes (``do_recluster``; ``tapecut analyse --recluster``).

It learns the language-neutral space again from every stored report (``langspace``), then
clusters, in that space, the reports it may move. What the team decided stays: a report put
in its theme by hand, every report of a theme the team created, renamed, merged or split, and
every report a change answers (``sticky_report_ids``) keep their theme; for those, where the
clustering disagrees, it only *proposes* a move (``ReportAnalysis.proposed_theme``).

Clusters take over the existing theme they share most reports with, so that theme ids, and the
changes the team hangs on them, survive. Reports the clusterer leaves out join the nearest
cluster when close enough, else keep their theme. A theme nothing is left in is deleted, unless
the team curated it or another app still points at it (then it stays, with no reports).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from tapecut.analysis import langspace
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.clustering import Clusterer
from tapecut.analysis.stages.duplicates import Space
from tapecut.analysis.stages.labels import Labeler
from tapecut.analysis.themes import relabel, threshold, unit, update_stats

# Other apps name the reports re-clustering must leave alone (triage: those a change answers),
# as functions returning report ids; registered from their AppConfig.ready.
STICKY_SOURCES: list[Callable[[], Iterable[int]]] = []


def register_sticky(source: Callable[[], Iterable[int]]) -> None:
    if source not in STICKY_SOURCES:
        STICKY_SOURCES.append(source)


def sticky_report_ids() -> set[int]:
    """Reports whose theme the team decided: moved by hand, in a curated theme, or named by
    another app (a change that answers them)."""
    sticky = set(
        ReportAnalysis.objects.filter(theme_pinned_at__isnull=False).values_list(
            "report_id", flat=True
        )
    )
    sticky |= set(
        ReportAnalysis.objects.filter(theme__curated_at__isnull=False).values_list(
            "report_id", flat=True
        )
    )
    for source in STICKY_SOURCES:
        sticky |= set(source())
    return sticky


@dataclass(frozen=True)
class ReclusterResult:
    reports: int
    clusters: int
    themes: int
    moved: int
    deleted: int
    titled: int
    kept: int = 0  # reports the team decided about, left where they are
    proposed: int = 0  # of those, the ones re-clustering would move (a proposal only)


@dataclass
class Stored:
    ids: list[int]  # analysis ids
    report_ids: list[int]
    themes: list[int | None]
    languages: list[str]
    vectors: np.ndarray


def load_vectors(embedder: str) -> Stored:
    rows: list[tuple[int, int, int | None, str, np.ndarray]] = []
    qs = ReportAnalysis.objects.filter(embedder=embedder, embedding__isnull=False)
    fields = ("id", "report_id", "theme_id", "language", "embedding")
    for pk, rid, theme_id, lang, data in qs.values_list(*fields).iterator(5000):
        vec = np.frombuffer(bytes(data or b""), dtype=np.float32)
        rows.append((pk, rid, theme_id, langspace.language_key(lang), vec))
    dims = Counter(r[4].shape[0] for r in rows)
    dim = dims.most_common(1)[0][0] if dims else 1
    keep = [r for r in rows if r[4].shape[0] == dim and np.any(r[4])]
    matrix = np.vstack([r[4] for r in keep]) if keep else np.zeros((0, dim), np.float32)
    return Stored(
        [r[0] for r in keep], [r[1] for r in keep], [r[2] for r in keep], [r[3] for r in keep],
        matrix,
    )  # fmt: skip


def recluster(clusterer: Clusterer, labeler: Labeler, space: Space) -> ReclusterResult:
    stored = load_vectors(space.embedder)
    ids, old = stored.ids, stored.themes
    lspace = langspace.fit(unit(stored.vectors), stored.languages)
    vectors = lspace.transform(stored.vectors, stored.languages)
    limit = threshold(space, lspace.fitted)
    sticky = sticky_report_ids()
    frozen = np.array([rid in sticky for rid in stored.report_ids], dtype=bool)
    free = np.flatnonzero(~frozen)
    labels = np.full(len(ids), -2, dtype=np.int64)  # -2: not clustered (the team decided)
    if len(free):
        labels[free] = clusterer.cluster(vectors[free])
    labels = _attach_noise(vectors, labels, limit)
    planned = _theme_for_clusters(labels, old)
    with transaction.atomic():
        langspace.save(space.embedder, lspace)
        created = _create_missing(planned)
        new = [created[t] if isinstance(t, str) else t for t in planned]
        moved = [(pk, t) for pk, t, was in zip(ids, new, old, strict=True) if t != was]
        _save_moves(moved)
        _save_centroids(new, vectors)
        proposed = _propose(ids, new, frozen, vectors, limit)
        touched = {t for t in [*new, *old] if t}
        update_stats(touched)
        deleted = _drop_empty(touched)
    live = sorted({t for t in new if t})
    titled = relabel(live, labeler)
    clusters = len({c for c in labels.tolist() if c >= 0})
    kept = int(frozen.sum())
    return ReclusterResult(
        len(ids), clusters, len(live), len(moved), deleted, titled, kept, proposed
    )


def _attach_noise(vectors: np.ndarray, labels: np.ndarray, limit: float) -> np.ndarray:
    """Rows outside every cluster join the nearest cluster centroid when close enough."""
    clusters = sorted({c for c in labels.tolist() if c >= 0})
    noise = np.flatnonzero(labels == -1)
    if not clusters or not len(noise):
        return labels
    centroids = unit(np.vstack([vectors[labels == c].mean(axis=0) for c in clusters]))
    sims = vectors[noise] @ centroids.T
    best = sims.argmax(axis=1)
    ok = sims[np.arange(len(noise)), best] >= limit
    out = labels.copy()
    out[noise[ok]] = np.asarray(clusters)[best[ok]]
    return out


def _propose(
    ids: list[int], new: list[int | None], frozen: np.ndarray, vectors: np.ndarray, limit: float
) -> int:
    """For each report the team decided about: the theme re-clustering would put it in, when
    that is another one (a proposal for the team; nothing moves)."""
    rows: dict[int, list[int]] = defaultdict(list)
    for row, theme_id in enumerate(new):
        if theme_id:
            rows[theme_id].append(row)
    ReportAnalysis.objects.filter(proposed_theme__isnull=False).update(proposed_theme=None)
    if not rows or not frozen.any():
        return 0
    theme_ids = list(rows)
    centroids = unit(np.vstack([vectors[rows[t]].mean(axis=0) for t in theme_ids]))
    mine = np.flatnonzero(frozen)
    sims = vectors[mine] @ centroids.T
    by_theme: dict[int, list[int]] = defaultdict(list)
    for n, row in enumerate(mine.tolist()):
        best = int(sims[n].argmax())
        if sims[n, best] >= limit and theme_ids[best] != new[row]:
            by_theme[theme_ids[best]].append(ids[row])
    for theme_id, pks in by_theme.items():
        ReportAnalysis.objects.filter(pk__in=pks).update(proposed_theme_id=theme_id)
    return sum(len(p) for p in by_theme.values())


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
        if c == -2:
            out.append(t)  # the team decided: stays
        elif c >= 0:
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
    qs = Theme.objects.filter(pk__in=touched, report_count=0, curated_at__isnull=True)
    for theme in qs.exclude(title_source=Theme.TitleSource.TEAM):
        if _referenced(theme):
            continue
        theme.delete()
        deleted += 1
    return deleted


def _referenced(theme: Theme) -> bool:
    """Whether any model besides the analyses points at the theme (a change, for instance)."""
    for rel in Theme._meta.related_objects:
        model = rel.related_model
        if model in {ReportAnalysis, Theme} or isinstance(model, str):
            continue
        related = model._default_manager.filter(**{rel.field.name: theme})
        if related.exists():
            return True
    return False
