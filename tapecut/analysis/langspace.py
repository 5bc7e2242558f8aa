"""The language-neutral space themes live in: each language's mean vector removed.

A multilingual encoder puts every text of one language near a common direction: two
German reports about different problems can be closer than a German and an English report
about the same one. Removing each language's mean (learned from the organisation's own
reports, kept as running sums in ``LanguageMean``) takes that direction out, whatever the
languages are. A language with few reports has its mean pulled towards the mean over all
languages (``PRIOR`` reports' worth), so a handful of reports about one problem do not erase
their own topic. Until ``MIN_FIT`` reports have been seen the space is the raw one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import F

from tapecut.analysis.models import LanguageMean

PRIOR = 10.0
MIN_FIT = 20


def language_key(language: str | None) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()[:8]


def unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float32)


@dataclass
class LanguageSpace:
    """Running sums per language; ``transform`` removes each row's language mean."""

    sums: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(n for n, _t in self.sums.values())

    @property
    def fitted(self) -> bool:
        return self.count >= MIN_FIT

    def means(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        overall = sum(t for _n, t in self.sums.values()) / max(self.count, 1)
        means = {lang: (t + PRIOR * overall) / (n + PRIOR) for lang, (n, t) in self.sums.items()}
        return means, np.asarray(overall)

    def transform(self, vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
        if not self.fitted or not len(vectors):
            return unit(vectors)
        means, overall = self.means()
        if overall.shape[0] != vectors.shape[1]:
            return unit(vectors)
        offsets = np.vstack([means.get(language_key(lang), overall) for lang in languages])
        return unit(vectors - offsets.astype(np.float32))

    def add(
        self, vectors: np.ndarray, languages: Sequence[str]
    ) -> dict[str, tuple[int, np.ndarray]]:
        """Add rows to the sums; returns what was added per language."""
        added: dict[str, tuple[int, np.ndarray]] = {}
        rows = unit(vectors).astype(np.float64)
        keys = [language_key(lang) for lang in languages]
        for lang in set(keys):
            mine = rows[[i for i, k in enumerate(keys) if k == lang]]
            added[lang] = (len(mine), mine.sum(axis=0))
            n, total = self.sums.get(lang, (0, np.zeros(rows.shape[1])))
            self.sums[lang] = (n + len(mine), total + added[lang][1])
        return added


def fit(vectors: np.ndarray, languages: Sequence[str]) -> LanguageSpace:
    space = LanguageSpace()
    if len(vectors):
        space.add(vectors, languages)
    return space


def load(embedder: str, dim: int) -> LanguageSpace:
    space = LanguageSpace()
    for lang, n, data in LanguageMean.objects.filter(embedder=embedder).values_list(
        "language", "count", "total"
    ):
        total = np.frombuffer(bytes(data), dtype=np.float64)
        if total.shape[0] == dim and n:
            space.sums[lang] = (n, total.copy())
    return space


def save(embedder: str, space: LanguageSpace) -> None:
    """Replace the stored sums (re-clustering learns them again from every report)."""
    LanguageMean.objects.filter(embedder=embedder).delete()
    LanguageMean.objects.bulk_create(
        [
            LanguageMean(embedder=embedder, language=lang, count=n, total=t.tobytes())
            for lang, (n, t) in space.sums.items()
        ]
    )


def learn(embedder: str, vectors: np.ndarray, languages: Sequence[str]) -> LanguageSpace:
    """The stored space with new reports added (saved; called inside the caller's
    transaction, rows locked so that two workers add up rather than overwrite)."""
    dim = vectors.shape[1] if len(vectors) else 0
    space = load(embedder, dim)
    if not len(vectors):
        return space
    added = space.add(vectors, languages)
    locked = {
        m.language: m
        for m in LanguageMean.objects.select_for_update().filter(
            embedder=embedder, language__in=list(added)
        )
    }
    for lang, (n, total) in added.items():
        row = locked.get(lang)
        if row is None:
            LanguageMean.objects.create(
                embedder=embedder, language=lang, count=n, total=total.tobytes()
            )
            continue
        old = np.frombuffer(bytes(row.total), dtype=np.float64)
        new = old + total if old.shape == total.shape else total
        LanguageMean.objects.filter(pk=row.pk).update(count=F("count") + n, total=new.tobytes())
    return space
