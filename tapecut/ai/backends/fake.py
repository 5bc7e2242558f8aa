"""Deterministic stand-ins for tests, as Django's locmem backend stands in for a mail server.

``FakeEmbedder`` hashes words and character trigrams into a small vector, so that texts which
share words are similar and the same text always gives the same vector. ``FakeChat`` answers
with a canned JSON label built from the words it was given. Neither writes to the ledger (tests
of other apps need no database for it); each keeps its calls in ``calls`` instead.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import numpy as np

from tapecut.ai.base import CallContext, ChatResult, Vector

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    name = "fake-hash-64"
    dim = 64
    billable = False

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], CallContext]] = []

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        self.calls.append((list(texts), ctx))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in _features(text):
                digest = hashlib.blake2b(feature.encode("utf-8", "replace"), digest_size=8)
                value = int.from_bytes(digest.digest(), "little")
                out[row, value % self.dim] += 1.0 if value & (1 << 63) else -1.0
        return _normalise(out)


def _features(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    grams = [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
    return [f"w:{w}" for w in words] + [f"c:{g}" for g in grams]


def _normalise(out: Vector) -> Vector:
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    empty = norms[:, 0] == 0
    out[empty, 0] = 1.0  # an empty text still gets a unit vector, as the interface promises
    norms[empty] = 1.0
    return (out / norms).astype(np.float32)


class FakeChat:
    name = "fake-chat"
    billable = False

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, CallContext]] = []
        # Tests may queue exact answers; without one, a label is made from the words given.
        self.replies: list[str] = []

    def complete(
        self, system: str, user: str, ctx: CallContext, *, max_tokens: int = 400
    ) -> ChatResult:
        self.calls.append((system, user, ctx))
        text = self.replies.pop(0) if self.replies else _canned_label(user)
        return ChatResult(
            text=text,
            tokens_in=(len(system) + len(user)) // 4,
            tokens_out=len(text) // 4,
            model=self.name,
        )


def _canned_label(user: str) -> str:
    words = [w.lower() for w in _WORD.findall(user) if len(w) > 3 and not w.isdigit()]
    top = [w for w, _count in Counter(words).most_common(3)]
    title = " ".join(top).capitalize() or "Untitled theme"
    return json.dumps(
        {"title": title, "summary": f"Reports about {title.lower()}.", "keywords": top}
    )
