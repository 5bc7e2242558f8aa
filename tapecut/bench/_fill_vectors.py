"""``tapecut bench analysis --fill-vectors sentences``: vectors for the N stored reports in the
real embedder's space, without the real embedder reading each report.

Every distinct sentence of the source CSV is embedded once by the configured embedder (after
redaction, as the pipeline embeds only redacted text). A stored report's vector is the
normalised mean of the vectors of the sentences it was made of (``analysis.recombine`` knows
them). During the bulk fill ``SentenceMeanEmbedder`` stands in for the configured embedder
under its name and dimension, so the ANN index, duplicates, categories and themes treat these
vectors as that embedder's. A text it has no entry for (calibration sentences, category
descriptions) goes to the real embedder. Afterwards the real embedder is configured again, so
new reports are embedded as in production.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import override_settings
from tqdm import tqdm

from tapecut.ai import registry
from tapecut.ai.base import CallContext, Embedder, Vector
from tapecut.analysis import pipeline, stages_config
from tapecut.analysis.stages import embedding
from tapecut.intake.models import Report

PATH = "tapecut.bench._fill_vectors.SentenceMeanEmbedder"
# Sentences handed to the real embedder at once: big enough for its own length-sorted batches.
SENTENCE_BATCH = 512


@dataclass
class Fill:
    real: Embedder
    sentence_vectors: Vector  # one row per distinct (redacted) sentence
    parts: dict[str, tuple[int, ...]]  # a stored report's text, as the embedder sees it → rows
    sentence_seconds: float = 0.0
    prepare_seconds: float = 0.0
    looked_up: int = 0  # texts answered with a mean of sentence vectors
    passed: int = 0  # texts handed to the real embedder

    def mean_of(self, rows: tuple[int, ...]) -> Vector:
        mean = self.sentence_vectors[list(rows)].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return (mean / norm if norm else mean).astype(np.float32)

    def summary(self) -> dict[str, Any]:
        return {
            "sentences": len(self.sentence_vectors),
            "sentence_embed_seconds": self.sentence_seconds,
            "prepare_seconds": self.prepare_seconds,
            "vectors_looked_up": self.looked_up,
            "texts_passed_to_embedder": self.passed,
        }


class SentenceMeanEmbedder:
    """Bench only: the prepared mean vector for a stored report, the real embedder for the rest."""

    billable = False
    current: ClassVar[Fill | None] = None

    def __init__(self) -> None:
        if SentenceMeanEmbedder.current is None:
            raise ImproperlyConfigured(
                f"{PATH} serves `tapecut bench analysis --fill-vectors` only"
            )
        self.fill = SentenceMeanEmbedder.current
        self.name, self.dim = self.fill.real.name, self.fill.real.dim

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        other = []
        for i, text in enumerate(texts):
            rows = self.fill.parts.get(text)
            if rows:
                out[i] = self.fill.mean_of(rows)
            else:
                other.append(i)
        if other:
            out[other] = self.fill.real.embed([texts[i] for i in other], ctx)
        self.fill.looked_up += len(texts) - len(other)
        self.fill.passed += len(other)
        return out


def prepare(
    reports: Sequence[Report], parts: Sequence[tuple[int, ...]], sentences: Sequence[str]
) -> Fill:
    """Embed the distinct sentences with the configured embedder; key each report's sentence
    rows by its text as the embedding stage will pass it (redacted, cut to MAX_CHARS)."""
    real = registry.get_embedder()
    redactor = stages_config.stages().redactor
    start = time.perf_counter()
    redacted = [redactor.redact(s, []).text for s in sentences]
    row_of: dict[str, int] = {}
    rows = [row_of.setdefault(s, len(row_of)) for s in redacted]
    keyed: dict[str, tuple[int, ...]] = {}
    for report, own in zip(tqdm(reports, desc="keys", file=sys.stderr), parts, strict=True):
        text = redactor.redact(pipeline.full_text(report), pipeline.names_of(report)).text
        keyed.setdefault(text[: embedding.MAX_CHARS], tuple(rows[i] for i in own))
    prepare_seconds = time.perf_counter() - start
    start = time.perf_counter()
    vectors = embed_sentences(real, list(row_of))
    return Fill(
        real,
        vectors,
        keyed,
        sentence_seconds=round(time.perf_counter() - start, 2),
        prepare_seconds=round(prepare_seconds, 2),
    )


def embed_sentences(real: Embedder, sentences: list[str]) -> Vector:
    out = np.zeros((len(sentences), real.dim), dtype=np.float32)
    ctx = CallContext(purpose="embedding")
    with tqdm(total=len(sentences), desc="sentences", file=sys.stderr) as bar:
        for start in range(0, len(sentences), SENTENCE_BATCH):
            chunk = sentences[start : start + SENTENCE_BATCH]
            out[start : start + len(chunk)] = real.embed(chunk, ctx)
            bar.update(len(chunk))
    return out


@contextmanager
def standing_in(fill: Fill) -> Iterator[None]:
    """Configure ``SentenceMeanEmbedder`` for the block; the configured embedder afterwards.

    Both share a name, so the cached stages (which hold an embedder) are dropped on the way in
    and out, not only when the setting changes."""
    SentenceMeanEmbedder.current = fill
    try:
        with override_settings(TAPECUT_AI_EMBEDDER=PATH):
            _forget()
            yield
    finally:
        SentenceMeanEmbedder.current = None
        _forget()


def _forget() -> None:
    registry.reset()
    stages_config.reset()
