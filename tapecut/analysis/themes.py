"""Themes: new reports join the nearest theme or start one; re-clustering keeps them coherent.

Similarities are centred cosines (see ``Space`` in the duplicates stage), compared with
``TAPECUT_THEME_THRESHOLD``. A theme's centroid is the mean of its reports' vectors, kept as
float32 bytes. Counts, hours and labels are recomputed from the reports, never incremented, so
that two workers cannot drift apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from django.conf import settings
from django.db.models import Count, Sum

from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.duplicates import Space
from tapecut.analysis.stages.keywords import class_keywords, text_keywords
from tapecut.analysis.stages.labels import MIN_REPORTS, Labeler

KEYWORD_TEXTS = 50  # per theme, for keywords (a sample says as much as all)


def unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float32)


def load_centroids(dim: int) -> tuple[list[int], np.ndarray, dict[int, int]]:
    """Theme ids, their unit centroids and report counts (themes of another size are skipped)."""
    ids, rows, counts = [], [], {}
    for pk, data, n in Theme.objects.filter(centroid__isnull=False).values_list(
        "id", "centroid", "report_count"
    ):
        vec = np.frombuffer(bytes(data), dtype=np.float32)
        if vec.shape[0] == dim:
            ids.append(pk)
            rows.append(vec)
            counts[pk] = n
    matrix = np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    return ids, unit(matrix), counts


def assign(vectors: np.ndarray, space: Space, texts: Sequence[str]) -> list[int]:
    """A theme id for each row: the nearest existing theme, or a new one (created here)."""
    if len(vectors) == 0:
        return []
    threshold = space.uncentre(settings.TAPECUT_THEME_THRESHOLD)
    ids, centroids, _counts = load_centroids(vectors.shape[1])
    out = [0] * len(vectors)
    left = list(range(len(vectors)))
    if ids:
        sims = vectors @ centroids.T
        best = sims.argmax(axis=1)
        for row in range(len(vectors)):
            if sims[row, best[row]] >= threshold:
                out[row] = ids[best[row]]
        left = [r for r in left if not out[r]]
    for group in _leaders(vectors, left, threshold):
        theme = Theme.objects.create(keywords=text_keywords(texts[group[0]]))
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
    themes = Theme.objects.filter(pk__in=list(rows_of)).only("id", "centroid", "report_count")
    for theme in themes:
        added = vectors[rows_of[theme.pk]].sum(axis=0)
        n_old = theme.report_count if theme.centroid is not None else 0
        old = np.frombuffer(bytes(theme.centroid), dtype=np.float32) if n_old else 0.0
        if n_old and np.shape(old) != added.shape:
            n_old, old = 0, 0.0
        mean = (old * n_old + added) / (n_old + len(rows_of[theme.pk]))
        theme.centroid = np.asarray(mean, dtype=np.float32).tobytes()
    Theme.objects.bulk_update(themes, ["centroid"], batch_size=1000)


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
        themes = list(Theme.objects.filter(pk__in=chunk))
        for theme in themes:
            row = totals.get(theme.pk, {})
            theme.report_count = row.get("n", 0)
            theme.hours_per_year = round(float(row.get("hours") or 0.0), 2)
            theme.language, theme.category_id = majority.get(theme.pk, ("", None))
        fields = ["report_count", "hours_per_year", "language", "category"]
        Theme.objects.bulk_update(themes, fields, batch_size=500)


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
    keywords = dict(zip(ordered, class_keywords([texts_of[t] for t in ordered])))
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
