"""Record and replay of remote model calls, for tests that must never touch the network.

A cassette is a JSON file in ``tapecut/ai/cassettes/``: the requests a backend is expected to
send, in order, and the answers to give. ``Cassette(name).http_client()`` replays one for the
``openai`` SDK; ``RecordingTransport`` writes one from a real endpoint (credentials are never
written). ``stub_bedrock`` loads a cassette into botocore's ``Stubber``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

try:  # the openai SDK moved to the httpx2 fork; older releases use httpx
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

CASSETTES = Path(__file__).resolve().parent / "cassettes"
FAKE_KEY = "sk-test-not-a-real-key"


def load(name: str) -> dict[str, Any]:
    return json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))


class Cassette:
    """Answers each expected request in turn; anything unexpected fails the test."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.interactions = load(name)["interactions"]
        self.played = 0

    def http_client(self) -> Any:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: Any) -> Any:
        assert self.played < len(self.interactions), f"{self.name}: unexpected {request.url}"
        expected = self.interactions[self.played]["request"]
        answer = self.interactions[self.played]["response"]
        self.played += 1
        assert request.method == expected["method"], f"{self.name}: {request.method}"
        assert request.url.path.endswith(expected["path"]), f"{self.name}: {request.url.path}"
        assert request.headers.get("authorization", "").startswith("Bearer ")
        body = json.loads(request.content or b"null")
        for key, value in expected.get("json", {}).items():
            assert body.get(key) == value, f"{self.name}: {key}={body.get(key)!r}"
        return httpx.Response(
            answer["status"], json=answer["json"], headers=answer.get("headers", {})
        )

    @property
    def done(self) -> bool:
        return self.played == len(self.interactions)


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on and keeps them, with their answers, for ``save``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.interactions: list[dict[str, Any]] = []

    def handle_request(self, request: Any) -> Any:
        response = self.inner.handle_request(request)
        content = response.read()
        self.interactions.append(
            {
                "request": {
                    "method": request.method,
                    "path": request.url.path,
                    "json": json.loads(request.content or b"{}"),
                },
                "response": {"status": response.status_code, "json": json.loads(content)},
            }
        )
        return httpx.Response(response.status_code, content=content, headers=response.headers)

    def save(self, name: str, note: str) -> Path:
        path = CASSETTES / f"{name}.json"
        data = {"note": note, "interactions": self.interactions}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def stub_bedrock(client: Any, name: str) -> Any:
    """A started ``Stubber`` on ``client`` that expects the cassette's calls in order."""
    from botocore.response import StreamingBody
    from botocore.stub import Stubber

    stubber = Stubber(client)
    for step in load(name)["interactions"]:
        params = dict(step["expected_params"])
        response = dict(step["response"])
        if step["operation"] == "invoke_model":
            params["body"] = json.dumps(params["body"])
            raw = json.dumps(response.pop("body")).encode()
            response["body"] = StreamingBody(io.BytesIO(raw), len(raw))
        stubber.add_response(step["operation"], response, params)
    stubber.activate()
    return stubber


def fake_bedrock_client() -> Any:
    import boto3

    return boto3.client(
        "bedrock-runtime",
        region_name="eu-central-1",
        aws_access_key_id="AKIDTESTNOTREAL",
        aws_secret_access_key="not-a-real-secret",  # noqa: S106
    )
