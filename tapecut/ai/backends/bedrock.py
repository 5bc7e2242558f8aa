"""Amazon Bedrock through ``boto3``: chat with the Converse API (any model Bedrock serves),
embeddings with Amazon Titan or Cohere through ``invoke_model``. Credentials come from the
usual AWS chain (role, environment, profile). Install with ``pip install 'tapecut[bedrock]'``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from django.conf import settings

from tapecut.ai import ledger
from tapecut.ai.backends.local import normalise
from tapecut.ai.base import CallContext, ChatResult, Vector
from tapecut.ai.deps import require

boto3 = require("boto3", "'tapecut[bedrock]'")

COHERE_BATCH = 96  # Cohere's limit of texts per request
TOKEN_HEADER = "x-amzn-bedrock-input-token-count"  # noqa: S105 (a header name)


def make_client() -> Any:
    return boto3.client("bedrock-runtime", region_name=settings.TAPECUT_BEDROCK_REGION)


class BedrockChat:
    billable = True

    def __init__(self, client: Any = None) -> None:
        self.client = client or make_client()
        self.model = self.model_name()
        self.name = f"bedrock:{self.model}"

    @staticmethod
    def model_name() -> str:
        return str(settings.TAPECUT_BEDROCK_CHAT_MODEL)

    def complete(
        self, system: str, user: str, ctx: CallContext, *, max_tokens: int = 400
    ) -> ChatResult:
        with ledger.call(self.name, self.model, ctx, items=1, billable=True) as usage:
            response = self.client.converse(
                modelId=self.model,
                system=[{"text": system}],
                messages=[{"role": "user", "content": [{"text": user}]}],
                inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
            )
            usage.tokens_in = int(response.get("usage", {}).get("inputTokens", 0))
            usage.tokens_out = int(response.get("usage", {}).get("outputTokens", 0))
        content = response.get("output", {}).get("message", {}).get("content", [])
        text = "".join(part.get("text", "") for part in content)
        return ChatResult(
            text=text, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, model=self.model
        )


class BedrockEmbedder:
    billable = True

    def __init__(self, client: Any = None) -> None:
        self.client = client or make_client()
        self.model = self.model_name()
        self.name = f"bedrock:{self.model}"
        self.dim = 0  # learnt from the first answer
        self.cohere = ".cohere." in f".{self.model}"

    @staticmethod
    def model_name() -> str:
        return str(settings.TAPECUT_BEDROCK_EMBED_MODEL)

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.cohere:
            step = COHERE_BATCH
            rows = [
                self._cohere(list(texts[i : i + step]), ctx) for i in range(0, len(texts), step)
            ]
        else:  # Titan embeds one text per request
            rows = [self._titan(text, ctx) for text in texts]
        vectors = normalise(np.vstack(rows))
        self.dim = int(vectors.shape[1])
        return vectors

    def _titan(self, text: str, ctx: CallContext) -> Any:
        body = {"inputText": text}
        with ledger.call(self.name, self.model, ctx, items=1, billable=True) as usage:
            data, headers = self._invoke(body)
            usage.tokens_in = int(data.get("inputTextTokenCount") or headers.get(TOKEN_HEADER) or 0)
        return np.asarray([data["embedding"]], dtype=np.float32)

    def _cohere(self, texts: list[str], ctx: CallContext) -> Any:
        body = {"texts": texts, "input_type": "clustering", "truncate": "END"}
        with ledger.call(self.name, self.model, ctx, items=len(texts), billable=True) as usage:
            data, headers = self._invoke(body)
            usage.tokens_in = int(headers.get(TOKEN_HEADER, 0))
        return np.asarray(data["embeddings"], dtype=np.float32)

    def _invoke(self, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        response = self.client.invoke_model(
            modelId=self.model,
            body=json.dumps(body),
            contentType="application/json",
            accept="application/json",
        )
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        return json.loads(response["body"].read()), headers
