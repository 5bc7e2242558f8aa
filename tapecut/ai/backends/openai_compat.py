"""Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, a LiteLLM proxy…)
through the ``openai`` SDK: embeddings and chat, with the reported token usage costed into
the ledger. Install with ``pip install 'tapecut[openai]'``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.core.checks import CheckMessage, Error

from tapecut.ai import ledger
from tapecut.ai.backends.local import normalise
from tapecut.ai.base import CallContext, ChatResult, Vector
from tapecut.ai.deps import require

openai = require("openai", "'tapecut[openai]'")

# Providers cap the inputs of one embeddings request (OpenAI: 2,048); stay well below.
EMBED_BATCH = 256
TIMEOUT_SECONDS = 60.0


def make_client(http_client: Any = None) -> Any:
    """The SDK client from settings; tests pass an ``http_client`` that replays cassettes."""
    return openai.OpenAI(
        base_url=settings.TAPECUT_OPENAI_BASE_URL or None,
        # Local servers want no key, but the SDK insists on one.
        api_key=settings.TAPECUT_OPENAI_API_KEY or "unused",
        timeout=TIMEOUT_SECONDS,
        max_retries=2,
        http_client=http_client,
    )


def check_openai_settings() -> list[CheckMessage]:
    if settings.TAPECUT_OPENAI_API_KEY or settings.TAPECUT_OPENAI_BASE_URL:
        return []
    return [
        Error(
            "An OpenAI backend is chosen but TAPECUT_OPENAI_API_KEY is empty.",
            hint="Set TAPECUT_OPENAI_API_KEY (or *_FILE), or TAPECUT_OPENAI_BASE_URL for a "
            "server that needs no key; see docs/ai-backends.md",
            id="tapecut.E025",
        )
    ]


class OpenAIEmbedder:
    billable = True

    def __init__(self, client: Any = None) -> None:
        self.client = client or make_client()
        self.model = self.model_name()
        self.name = f"openai:{self.model}"
        self.dim = 0  # learnt from the first answer: it depends on the model

    @staticmethod
    def model_name() -> str:
        return str(settings.TAPECUT_OPENAI_EMBED_MODEL)

    check_settings = staticmethod(check_openai_settings)

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        blocks = [
            self._embed_batch(list(texts[i : i + EMBED_BATCH]), ctx)
            for i in range(0, len(texts), EMBED_BATCH)
        ]
        return np.vstack(blocks)

    def _embed_batch(self, texts: list[str], ctx: CallContext) -> Vector:
        with ledger.call(self.name, self.model, ctx, items=len(texts), billable=True) as usage:
            response = self.client.embeddings.create(
                model=self.model, input=texts, encoding_format="float"
            )
            usage.tokens_in = _usage(response, "prompt_tokens")
        rows = sorted(response.data, key=lambda item: item.index)
        if len(rows) != len(texts):
            raise ValueError(f"asked for {len(texts)} embeddings, got {len(rows)}")
        vectors = normalise([row.embedding for row in rows])
        self.dim = int(vectors.shape[1])
        return vectors


class OpenAIChat:
    billable = True

    def __init__(self, client: Any = None) -> None:
        self.client = client or make_client()
        self.model = self.model_name()
        self.name = f"openai:{self.model}"

    @staticmethod
    def model_name() -> str:
        return str(settings.TAPECUT_OPENAI_CHAT_MODEL)

    check_settings = staticmethod(check_openai_settings)

    def complete(
        self, system: str, user: str, ctx: CallContext, *, max_tokens: int = 400
    ) -> ChatResult:
        with ledger.call(self.name, self.model, ctx, items=1, billable=True) as usage:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                max_tokens=max_tokens,
                temperature=0,
            )
            usage.tokens_in = _usage(response, "prompt_tokens")
            usage.tokens_out = _usage(response, "completion_tokens")
        text = response.choices[0].message.content if response.choices else ""
        return ChatResult(
            text=text or "",
            tokens_in=usage.tokens_in,
            tokens_out=usage.tokens_out,
            model=str(response.model or self.model),
        )


def _usage(response: Any, field: str) -> int:
    # Some compatible servers leave usage out; the call is then recorded at zero tokens.
    return int(getattr(getattr(response, "usage", None), field, 0) or 0)
