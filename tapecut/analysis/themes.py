"""Themes: new reports join the nearest theme or start one; re-clustering keeps them coherent.

Similarities are centred cosines (see ``Space`` in the duplicates stage), compared with
``TAPECUT_THEME_THRESHOLD``. A theme's centroid is the mean of its reports' vectors, kept as
float32 bytes. Counts, hours and labels are recomputed from the reports, never incremented, so
that two workers cannot drift apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone

from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.duplicates import Space
from tapecut.analysis.stages.keywords import class_keywords, text_keywords
from tapecut.analysis.stages.labels import MIN_REPORTS, Labeler

LATE_COMMIT = timedelta(seconds=10)  # re-read themes changed this long before the latest seen
KEYWORD_TEXTS = 50  # per theme, for keywords (a sample says as much as all)


def unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float32)


class CentroidCache:
    """Theme centroids as one matrix, kept per process and brought up to date by reading only
    the themes changed since (a full reload when themes were deleted)."""

    def __init__(self) -> None:
        self.dim = 0
        self.ids: list[int] = []
        self.pos: dict[int, int] = {}
        self.matrix = np.zeros((0, 1), dtype=np.float32)
        self.state: tuple[int, datetime | None] = (-1, None)
        self.seen: dict[int, datetime] = {}

    def refresh(self, dim: int) -> tuple[list[int], np.ndarray]:
        qs = Theme.objects.filter(centroid__isnull=False)
        state = tuple(qs.aggregate(n=Count("id"), latest=Max("updated_at")).values())
        if dim != self.dim:
            self.__init__()  # type: ignore[misc]
            self.dim = dim
        if state != self.state:
            since = self.state[1]
            window = qs if since is None else qs.filter(updated_at__gte=since - LATE_COMMIT)
            stale = [
                pk for pk, at in window.values_list("id", "updated_at") if self.seen.get(pk) != at
            ]
            for start in range(0, len(stale), 900):
                self._merge(qs.filter(pk__in=stale[start : start + 900]))
            if len(self.ids) != state[0]:
                self.__init__()  # type: ignore[misc]
                self.dim = dim
                self._merge(qs)
            self.state = state  # type: ignore[assignment]
        return self.ids, self.matrix

    def _merge(self, themes: Any) -> None:
        new_ids, new_rows = [], []
        for pk, data, at in themes.values_list("id", "centroid", "updated_at").iterator(5000):
            vec = np.frombuffer(bytes(data), dtype=np.float32)
            if vec.shape[0] != self.dim:
                continue
            self.seen[pk] = at
            if pk in self.pos:
                self.matrix[self.pos[pk]] = unit(vec)
            else:
                new_ids.append(pk)
                new_rows.append(vec)
        if new_ids:
            self.pos.update({pk: len(self.ids) + i for i, pk in enumerate(new_ids)})
            self.ids += new_ids
            block = unit(np.vstack(new_rows))
            base = self.matrix if len(self.matrix) else np.zeros((0, self.dim), np.float32)
            self.matrix = np.vstack([base, block])


_cache = CentroidCache()


def reset_cache() -> None:
    global _cache
    _cache = CentroidCache()


def assign(vectors: np.ndarray, space: Space, texts: Sequence[str]) -> list[int]:
    """A theme id for each row: the nearest existing theme, or a new one (created here)."""
    if len(vectors) == 0:
        return []
    threshold = space.uncentre(settings.TAPECUT_THEME_THRESHOLD)
    ids, centroids = _cache.refresh(vectors.shape[1])
    out = [0] * len(vectors)
    left = list(range(len(vectors)))
    if ids:
        sims = vectors @ centroids.T
        best = sims.argmax(axis=1)
        for row in range(len(vectors)):
            if sims[row, best[row]] >= threshold:
                out[row] = ids[best[row]]
        left = [r for r in left if not out[r]]
    groups = _leaders(vectors, left, threshold)
    created = Theme.objects.bulk_create(
        [Theme(keywords=text_keywords(texts[g[0]])) for g in groups], batch_size=1000
    )
    for group, theme in zip(groups, created, strict=False):
        for row in group:
            out[row] = theme.pk
    _move_centroids(out, vectors)
    return out


def _leaders(vectors: np.ndarray, rows: list[int], threshold: float) -> list[list[int]]:
    """Greedy grouping of the rows no theme took: each ungrouped row leads a new group."""
    if not rows:
        return []
    sims = vectors[rows] @ vectors[rows].T
    taken = np.zeros(len(rows), dtype=bool)
    groups = []
    for i in range(len(rows)):
        if taken[i]:
            continue
        members = np.flatnonzero(~taken & (sims[i] >= threshold))
        members = members[members >= i]
        taken[members] = True
        groups.append([rows[m] for m in members])
    return groups


def _move_centroids(theme_ids: list[int], vectors: np.ndarray) -> None:
    """Move each touched theme's centroid to the mean of its old members and the new rows."""
    rows_of: dict[int, list[int]] = defaultdict(list)
    for row, tid in enumerate(theme_ids):
        rows_of[tid].append(row)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    updates = []
    themes = Theme.objects.filter(pk__in=list(rows_of)).values_list(
        "id", "centroid", "report_count"
    )
    for pk, data, count in themes:
        added = vectors[rows_of[pk]].sum(axis=0)
        old = np.frombuffer(bytes(data), dtype=np.float32) if data is not None else added * 0
        n_old = count if old.shape == added.shape else 0
        mean = ((old * n_old if n_old else 0.0) + added) / (n_old + len(rows_of[pk]))
        updates.append((np.asarray(mean, dtype=np.float32).tobytes(), now, pk))
    # updated_at by hand: the centroid cache of every worker reads what changed since.
    table = connection.ops.quote_name(Theme._meta.db_table)
    sql = f"UPDATE {table} SET centroid = %s, updated_at = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, updates)


def update_stats(theme_ids: Iterable[int | None]) -> None:
    """Report count, hours a year, language and category of each theme, from its reports."""
    ids = sorted({t for t in theme_ids if t})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        totals = {
            row["theme_id"]: row
            for row in ReportAnalysis.objects.filter(theme_id__in=chunk)
            .values("theme_id")
            .annotate(n=Count("id"), hours=Sum("hours_per_year"))
        }
        majority = _majorities(chunk)
        rows = []
        for pk in chunk:
            row = totals.get(pk, {})
            language, category = majority.get(pk, ("", None))
            hours = round(float(row.get("hours") or 0.0), 2)
            rows.append((row.get("n", 0), hours, language, category, pk))
        # executemany of one plain UPDATE: bulk_update's CASE expressions cost far more.
        table = connection.ops.quote_name(Theme._meta.db_table)
        sql = (
            f"UPDATE {table} SET report_count = %s, hours_per_year = %s, "  # noqa: S608
            "language = %s, category_id = %s WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _majorities(theme_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    langs: dict[int, Counter[str]] = defaultdict(Counter)
    cats: dict[int, Counter[int]] = defaultdict(Counter)
    for tid, lang, cat in ReportAnalysis.objects.filter(theme_id__in=theme_ids).values_list(
        "theme_id", "language", "category_id"
    ):
        if lang:
            langs[tid][lang] += 1
        if cat:
            cats[tid][cat] += 1
    return {
        tid: (
            langs[tid].most_common(1)[0][0] if langs[tid] else "",
            cats[tid].most_common(1)[0][0] if cats[tid] else None,
        )
        for tid in theme_ids
    }


def relabel(theme_ids: Sequence[int], labeler: Labeler, *, force: bool = False) -> int:
    """Keywords for the given themes (c-TF-IDF), and a model's title where allowed."""
    texts_of: dict[int, list[str]] = defaultdict(list)
    for tid, text in (
        ReportAnalysis.objects.filter(theme_id__in=theme_ids)
        .order_by("theme_id", "-id")
        .values_list("theme_id", "redacted_text")
    ):
        if len(texts_of[tid]) < KEYWORD_TEXTS:
            texts_of[tid].append(text)
    ordered = [t for t in theme_ids if texts_of.get(t)]
    keywords = dict(zip(ordered, class_keywords([texts_of[t] for t in ordered]), strict=False))
    titled = 0
    for theme in Theme.objects.filter(pk__in=ordered):
        theme.keywords = keywords[theme.pk]
        fresh = force or theme.report_count >= max(MIN_REPORTS, 2 * theme.labelled_count)
        if theme.report_count >= MIN_REPORTS and (fresh or not theme.title):
            label = labeler.label(texts_of[theme.pk], theme.language, theme.keywords, theme.pk)
            if label is not None:
                theme.title, theme.summary = label.title, label.summary
                theme.labelled_count = theme.report_count
                titled += 1
        elif theme.report_count < MIN_REPORTS and theme.title:
            theme.title, theme.summary = "", ""  # too few reports now: keywords only
        theme.save(update_fields=["keywords", "title", "summary", "labelled_count", "updated_at"])
    return titled
