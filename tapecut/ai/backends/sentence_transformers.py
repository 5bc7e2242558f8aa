"""Any sentence-transformers model (``TAPECUT_SENTENCE_TRANSFORMERS_MODEL``), on the CPU.

An optional extra that brings PyTorch (``pip install 'tapecut[sentence-transformers]'``). The
model is loaded from the local Hugging Face cache; an installation without internet access
must put it there first (or give a folder path as the model name).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from django.conf import settings

from tapecut.ai import ledger
from tapecut.ai.backends.local import normalise
from tapecut.ai.base import CallContext, Vector
from tapecut.ai.deps import require

_st = require("sentence_transformers", "'tapecut[sentence-transformers]'")


class SentenceTransformerEmbedder:
    billable = False

    def __init__(self) -> None:
        self.model = str(settings.TAPECUT_SENTENCE_TRANSFORMERS_MODEL)
        self.name = f"st:{self.model}"
        self._engine: Any = _st.SentenceTransformer(self.model, device="cpu")
        self.dim = int(self._engine.get_sentence_embedding_dimension() or 0)
        self._lock = threading.Lock()

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with (
            ledger.call(self.name, self.model, ctx, items=len(texts), billable=False),
            self._lock,
        ):
            raw = self._engine.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return normalise(raw)
