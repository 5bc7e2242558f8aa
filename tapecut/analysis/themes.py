"""Themes: new reports join the nearest theme or start one; re-clustering keeps them coherent.

Reports are compared in the language-neutral space of ``langspace`` (each language's mean
vector removed), where unrelated texts have a cosine near zero, with ``TAPECUT_THEME_THRESHOLD``
(before that space is learned, the raw space with the threshold centred as the duplicates
stage centres it). A theme's centroid is the mean of its reports' vectors in that space, kept
as float32 bytes. Counts, hours and labels are recomputed from the reports, never incremented, so
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

from tapecut.analysis import langspace
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.duplicates import Space
from tapecut.analysis.stages.keywords import class_keywords, text_keywords
from tapecut.analysis.stages.labels import MIN_REPORTS, Labeler
from tapecut.analysis.stages.titles import representative_titles, title_from_text

LATE_COMMIT = timedelta(seconds=10)  # re-read themes changed this long before the latest seen
KEYWORD_TEXTS = 50  # per theme, for keywords (a sample says as much as all)


unit = langspace.unit


def threshold(space: Space, fitted: bool) -> float:
    """The cosine to a theme's centre a report needs to join it."""
    limit = float(settings.TAPECUT_THEME_THRESHOLD)
    return limit if fitted else space.uncentre(limit)


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


def assign(
    vectors: np.ndarray, space: Space, texts: Sequence[str], languages: Sequence[str] = ()
) -> list[int]:
    """A theme id for each row: the nearest existing theme, or a new one (created here).

    ``vectors`` are the reports' unit embeddings; the language of each row places it in the
    language-neutral space (and adds it to that space's running means)."""
    if len(vectors) == 0:
        return []
    langs = [langspace.language_key(x) for x in (languages or [""] * len(vectors))]
    lspace = langspace.learn(space.embedder, vectors, langs)
    vectors = lspace.transform(vectors, langs)
    limit = threshold(space, lspace.fitted)
    ids, centroids = _cache.refresh(vectors.shape[1])
    out = [0] * len(vectors)
    left = list(range(len(vectors)))
    if ids:
        sims = vectors @ centroids.T
        best = sims.argmax(axis=1)
        for row in range(len(vectors)):
            if sims[row, best[row]] >= limit:
                out[row] = ids[best[row]]
        left = [r for r in left if not out[r]]
    groups = _leaders(vectors, left, limit)
    created = Theme.objects.bulk_create(
        [_new_theme(texts[g[0]], langs[g[0]]) for g in groups], batch_size=1000
    )
    for group, theme in zip(groups, created, strict=False):
        for row in group:
            out[row] = theme.pk
    _move_centroids(out, vectors)
    return out


def _new_theme(text: str, language: str) -> Theme:
    keywords = text_keywords(text)
    title = title_from_text(text, keywords)
    return Theme(
        keywords=keywords,
        title=title,
        title_source=Theme.TitleSource.REPORT if title else "",
        titles={language: title} if title else {},
    )


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
    """Keywords and titles for the given themes: c-TF-IDF keywords, a title per language
    from the most representative report, and a model's title where one is configured. A
    title the team typed is never replaced."""
    sample = _samples(theme_ids)
    ordered = [t for t in theme_ids if sample.get(t)]
    texts = {t: [row[0] for row in sample[t]] for t in ordered}
    keywords = dict(zip(ordered, class_keywords([texts[t] for t in ordered]), strict=False))
    titled = 0
    for theme in Theme.objects.filter(pk__in=ordered):
        theme.keywords = keywords[theme.pk]
        theme.titles = _report_titles(theme, sample[theme.pk])
        if theme.title_source == Theme.TitleSource.TEAM:
            pass
        elif _model_title(theme, texts[theme.pk], labeler, force):
            titled += 1
        elif theme.title_source != Theme.TitleSource.MODEL or theme.report_count < MIN_REPORTS:
            theme.title = theme.titles.get(theme.language) or next(iter(theme.titles.values()), "")
            theme.title_source = Theme.TitleSource.REPORT if theme.title else ""
            theme.summary = ""
        theme.save(
            update_fields=[
                "keywords", "title", "title_source", "titles", "summary", "labelled_count",
                "updated_at",
            ]
        )  # fmt: skip
    return titled


def _model_title(theme: Theme, texts: list[str], labeler: Labeler, force: bool) -> bool:
    """A title from the configured model (at least MIN_REPORTS redacted reports)."""
    fresh = force or theme.report_count >= max(MIN_REPORTS, 2 * theme.labelled_count)
    has_model_title = theme.title_source == Theme.TitleSource.MODEL
    if theme.report_count < MIN_REPORTS or not (fresh or not has_model_title):
        return False
    label = labeler.label(texts, theme.language, theme.keywords, theme.pk)
    if label is None:
        return False
    theme.title, theme.summary = label.title, label.summary
    theme.title_source = Theme.TitleSource.MODEL
    theme.labelled_count = theme.report_count
    return True


Sample = list[tuple[str, str, bytes | None]]


def _samples(theme_ids: Sequence[int]) -> dict[int, Sample]:
    """Up to KEYWORD_TEXTS of each theme's latest reports: text, language, vector."""
    out: dict[int, Sample] = defaultdict(list)
    for tid, text, lang, vec in (
        ReportAnalysis.objects.filter(theme_id__in=theme_ids)
        .order_by("theme_id", "-id")
        .values_list("theme_id", "redacted_text", "language", "embedding")
    ):
        if len(out[tid]) < KEYWORD_TEXTS:
            out[tid].append((text, langspace.language_key(lang), vec))
    return out


def _report_titles(theme: Theme, sample: Sample) -> dict[str, str]:
    centroid = np.frombuffer(bytes(theme.centroid), np.float32) if theme.centroid else None
    dim = centroid.shape[0] if centroid is not None else 0
    rows = [np.frombuffer(bytes(v or b""), np.float32) for _t, _l, v in sample]
    if centroid is None or any(r.shape[0] != dim for r in rows):
        vectors = np.zeros((0, 0), np.float32)
    else:
        langs = [lang for _t, lang, _v in sample]
        vectors = langspace.load(_embedder_of(theme), dim).transform(np.vstack(rows), langs)
    return representative_titles(
        vectors,
        unit(centroid) if centroid is not None else None,
        [t for t, _l, _v in sample],
        [lang for _t, lang, _v in sample],
        theme.keywords,
    )


def _embedder_of(theme: Theme) -> str:
    row = ReportAnalysis.objects.filter(theme=theme).exclude(embedder="").values("embedder")
    return str(row[0]["embedder"]) if row else ""
