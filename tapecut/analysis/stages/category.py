"""Category: where a report sits in the configurable taxonomy.

With no corrections yet it works zero-shot from the taxonomy itself: the cosine between the
report and each category's name and description (English and German), plus the description
words it shares. Each correction by the team (``do_correct_category``) is a training example:
the process-local model refits (seconds) as soon as the corrections change, and weighs the
trained classifier more the more examples there are.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from django.db.models import Count, Max

from tapecut.ai.base import CallContext, Embedder
from tapecut.analysis.classify import TextClassifier
from tapecut.analysis.models import Category, ReportAnalysis
from tapecut.analysis.stopwords import STOP_WORDS
from tapecut.analysis.text import words

# With this many corrections the trained model alone decides; below, it shares with zero-shot.
FULL_TRUST_EXAMPLES = 10
MIN_EXAMPLES = 5
UNLABELLED_POOL = 2000
ZERO_SHOT_SHARPNESS = 10.0
KEYWORD_WEIGHT = 0.05
STEM = 6


class CategoryClassifier(Protocol):
    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[int | None, float]]:
        """(category id or None, confidence) per text."""
        ...


class NullCategoryClassifier:
    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[int | None, float]]:
        return [(None, 0.0)] * len(texts)


def stems(text: str) -> set[str]:
    # Word starts match across endings and compounds' heads: "Genehmigung"/"genehmigen".
    return {w[:STEM] for w in words(text) if len(w) >= 4 and w not in STOP_WORDS}


@dataclass
class Model:
    ids: list[int]
    description_vectors: np.ndarray  # (categories, dim), unit rows
    keywords: list[set[str]]
    baseline: float
    trained: TextClassifier | None
    examples: int

    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[int | None, float]]:
        if not self.ids:
            return [(None, 0.0)] * len(texts)
        proba = self.zero_shot(texts, vectors)
        if self.trained is not None:
            weight = min(1.0, self.examples / FULL_TRUST_EXAMPLES)
            trained = self.trained.predict_proba(texts, vectors)
            cols = [self.ids.index(int(c)) for c in self.trained.classes]
            mixed = np.zeros_like(proba)
            mixed[:, cols] = trained
            proba = weight * mixed + (1 - weight) * proba
        best = proba.argmax(axis=1)
        return [(self.ids[b], round(float(proba[i, b]), 4)) for i, b in enumerate(best)]

    def zero_shot(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        cos = (vectors @ self.description_vectors.T - self.baseline) / (1 - self.baseline)
        found = [stems(t) for t in texts]
        hits = np.array([[len(f & kw) for kw in self.keywords] for f in found], dtype=float)
        scores = ZERO_SHOT_SHARPNESS * (cos + KEYWORD_WEIGHT * hits)
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return np.asarray(e / e.sum(axis=1, keepdims=True))


class TaxonomyClassifier:
    """Zero-shot from the taxonomy, trained on corrections; refitted when either changes."""

    def __init__(self, embedder: Embedder, baseline: float) -> None:
        self.embedder = embedder
        self.baseline = baseline
        self._lock = threading.Lock()
        self._state: Any = None
        self._model: Model | None = None

    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[tuple[int | None, float]]:
        return self.model().predict(texts, vectors)

    def model(self) -> Model:
        with self._lock:
            state = _state(self.embedder.name)
            if self._model is None or state != self._state:
                self._model = self._fit()
                self._state = state
            return self._model

    def _fit(self) -> Model:
        cats = list(Category.objects.filter(active=True))
        if not cats:
            return Model([], np.zeros((0, 1)), [], 0.0, None, 0)
        descriptions = [_describe(c) for c in cats]
        ctx = CallContext(purpose="classification")
        desc = self.embedder.embed(descriptions, ctx) if self.embedder.dim else None
        ids = [c.pk for c in cats]
        vectors = (
            np.zeros((len(cats), self.embedder.dim), dtype=np.float32) if desc is None else desc
        )
        trained, examples = _train(ids, descriptions, vectors)
        keywords = [stems(d) for d in descriptions]
        return Model(ids, vectors, keywords, self.baseline, trained, examples)


def _describe(cat: Category) -> str:
    return " ".join([cat.name_en, cat.description_en, cat.name_de, cat.description_de])


def _state(embedder: str) -> tuple[Any, ...]:
    cats = Category.objects.aggregate(n=Count("id"), top=Max("id"))
    text = tuple(Category.objects.values_list("id", "active", "description_en", "description_de"))
    fixed = ReportAnalysis.objects.filter(category_confirmed_at__isnull=False).aggregate(
        n=Count("id"), latest=Max("category_confirmed_at")
    )
    return (embedder, cats["n"], cats["top"], hash(text), fixed["n"], fixed["latest"])


def _train(ids: list[int], descriptions: list[str], desc_vectors: np.ndarray) -> tuple[Any, int]:
    rows = list(
        ReportAnalysis.objects.filter(category_confirmed_at__isnull=False, category_id__in=ids)
        .values_list("redacted_text", "embedding", "category_id")
        .order_by("-category_confirmed_at")[:20000]
    )
    if len(rows) < MIN_EXAMPLES or len({r[2] for r in rows}) < 2:
        return None, len(rows)
    dim = desc_vectors.shape[1]
    texts = [r[0] for r in rows] + descriptions
    labels = [str(r[2]) for r in rows] + [str(i) for i in ids]
    vectors = np.vstack([_vector(r[1], dim) for r in rows] + [desc_vectors])
    pool = list(
        ReportAnalysis.objects.filter(category_confirmed_at__isnull=True, state="done")
        .values_list("redacted_text", "embedding")
        .order_by("-id")[:UNLABELLED_POOL]
    )
    pool_vectors = np.vstack([_vector(p[1], dim) for p in pool]) if pool else None
    model = TextClassifier().fit(texts, labels, vectors, [p[0] for p in pool], pool_vectors)
    return model, len(rows)


def _vector(data: Any, dim: int) -> np.ndarray:
    if data is None:
        return np.zeros(dim, dtype=np.float32)
    vec = np.frombuffer(bytes(data), dtype=np.float32)
    return vec if vec.shape[0] == dim else np.zeros(dim, dtype=np.float32)
