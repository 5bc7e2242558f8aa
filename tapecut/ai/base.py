"""The small typed interfaces every AI backend implements, and do-nothing versions of each.

Backends are chosen by dotted path in settings (``TAPECUT_AI_EMBEDDER`` and friends, see
``tapecut.ai.registry``), imported lazily and cached. Every call a backend makes is recorded in
the ledger through ``tapecut.ai.ledger.record_call``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class CallContext:
    """What a model call is for, so the ledger can say who it served."""

    purpose: str  # "embedding", "classification", "theme_label", "summary", ...
    report_id: int | None = None
    theme_id: int | None = None


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        """One L2-normalised row per text, shape (len(texts), dim), float32."""
        ...


@dataclass(frozen=True)
class ChatResult:
    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    model: str = ""


@runtime_checkable
class ChatModel(Protocol):
    name: str

    def complete(
        self, system: str, user: str, ctx: CallContext, *, max_tokens: int = 400
    ) -> ChatResult: ...


@dataclass(frozen=True)
class Label:
    title: str
    summary: str = ""
    keywords: list[str] = field(default_factory=list)


class NullEmbedder:
    """Embeds nothing: every text maps to the zero vector (semantic stages then do nothing)."""

    name = "null"
    dim = 1

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        return np.zeros((len(texts), self.dim), dtype=np.float32)


class NullChat:
    """No language model configured: callers fall back to keyword labels."""

    name = "null"

    def complete(
        self, system: str, user: str, ctx: CallContext, *, max_tokens: int = 400
    ) -> ChatResult:
        return ChatResult(text="", model="null")
