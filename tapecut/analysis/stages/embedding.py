"""Embedding: one vector per report (its redacted text with follow-ups), stored as float32 bytes.

The embedder is the configured AI backend (``tapecut.ai.registry.get_embedder``); its
do-nothing version is ``tapecut.ai.base.NullEmbedder``. Texts go in batches, so a bulk run
makes a few hundred calls for a hundred thousand reports, not one each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tapecut.ai.base import CallContext, Embedder, NullEmbedder, Vector

BATCH = 64
# Long reports are cut: encoders read ~512 tokens, and the start says what it is about.
MAX_CHARS = 2000


def current_embedder() -> Embedder:
    """The configured embedder; the do-nothing one if the AI registry cannot be loaded."""
    try:
        from tapecut.ai import registry
    except ImportError:  # an installation without the AI app
        return NullEmbedder()
    return registry.get_embedder()


def embed_texts(embedder: Embedder, texts: list[str], report_ids: list[Any]) -> Vector:
    """Rows in the order of ``texts``; L2-normalised float32."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        chunk = [t[:MAX_CHARS] for t in texts[start : start + BATCH]]
        one = report_ids[start] if len(chunk) == 1 else None
        ctx = CallContext(purpose="embedding", report_id=one)
        out[start : start + len(chunk)] = embedder.embed(chunk, ctx)
    return out


def to_bytes(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview | None) -> Vector | None:
    if data is None:
        return None
    return np.frombuffer(bytes(data), dtype=np.float32)


def is_empty(vector: Vector | None) -> bool:
    """The do-nothing embedder gives zero vectors: they mean "no embedding"."""
    return vector is None or not np.any(vector)


# Pairs of unrelated sentences, English and German: their mean cosine is how similar an
# embedder finds texts that have nothing in common. Scores are centred on it.
CALIBRATION = [
    "The printer on the third floor has been out of toner for a week.",
    "Every travel request needs three signatures before I can book a train.",
    "Der Urlaubsantrag muss ausgedruckt und vom Chef unterschrieben werden.",
    "Im Besprechungsraum funktioniert der Beamer nicht.",
    "New employees wait two weeks for their laptop and access badge.",
    "Die Straßenlaterne vor dem Haus Nummer 14 ist defekt.",
    "We fill in the same project data in two different systems every month.",
    "Auf dem Spielplatz liegen Glasscherben im Sandkasten.",
    "The weekly status meeting takes an hour and nobody reads the minutes.",
    "Für jede Bestellung über 50 Euro brauchen wir drei Angebote.",
]
_baselines: dict[str, float] = {}


def baseline(embedder: Embedder) -> float:
    """Mean cosine between unrelated sentences for this embedder (0 for a zero embedder)."""
    if embedder.name not in _baselines:
        vectors = embedder.embed(CALIBRATION, CallContext(purpose="calibration"))
        sims = vectors @ vectors.T
        off = sims[~np.eye(len(CALIBRATION), dtype=bool)]
        _baselines[embedder.name] = float(np.clip(off.mean(), 0.0, 0.95)) if off.size else 0.0
    return _baselines[embedder.name]
