from decimal import Decimal

import numpy as np
import pytest
from django.test import override_settings

from tapecut.ai import safety, testing
from tapecut.ai.backends import openai_compat
from tapecut.ai.base import CallContext, Label

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("openai_settings"),
]


@pytest.fixture
def openai_settings():
    with override_settings(
        TAPECUT_OPENAI_API_KEY=testing.FAKE_KEY,
        TAPECUT_OPENAI_BASE_URL="https://llm.test.invalid/v1",
        TAPECUT_OPENAI_EMBED_MODEL="text-embedding-3-small",
        TAPECUT_OPENAI_CHAT_MODEL="gpt-4o-mini",
    ):
        yield


def calls():
    from tapecut.ledger.models import ModelCall

    return list(ModelCall.objects.order_by("id"))


def test_embeddings_are_replayed_in_order_normalised_and_costed():
    cassette = testing.Cassette("openai_embeddings")
    embedder = openai_compat.OpenAIEmbedder(openai_compat.make_client(cassette.http_client()))
    texts = [
        "Das Formular verlangt dreimal dieselbe Unterschrift.",
        "The form wants the same signature three times.",
    ]
    vectors = embedder.embed(texts, CallContext("embedding", report_id=9))

    assert cassette.done
    assert vectors.shape == (2, 8) and embedder.dim == 8
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[0][0] == pytest.approx(
        0.12 / np.linalg.norm([0.12, -0.40, 0.05, 0.33, -0.07, 0.20, 0.19, -0.25])
    )
    (row,) = calls()
    assert (row.backend, row.purpose, row.report_id, row.items) == (
        "openai:text-embedding-3-small",
        "embedding",
        9,
        2,
    )
    assert row.tokens_in == 23 and row.ok
    assert row.cost_usd == Decimal("0.02") * 23 / 1_000_000


def test_a_chat_label_is_replayed_parsed_and_costed():
    cassette = testing.Cassette("openai_chat_label")
    chat = openai_compat.OpenAIChat(openai_compat.make_client(cassette.http_client()))
    label = safety.ask_for_label(
        chat,
        ["Taxi receipt of 12 euros needs three signatures"],
        CallContext("theme_label", theme_id=4),
    )

    assert cassette.done
    assert label == Label(
        title="Travel expense forms need three signatures",
        summary="Staff must collect the same three signatures for every small travel claim.",
        keywords=["travel", "signatures", "expenses"],
    )
    (row,) = calls()
    assert (row.tokens_in, row.tokens_out, row.theme_id) == (412, 38, 4)
    assert row.cost_usd == (Decimal("0.15") * 412 + Decimal("0.60") * 38) / 1_000_000


def test_a_refused_call_is_recorded_as_failed_and_raised():
    import openai

    cassette = testing.Cassette("openai_error")
    chat = openai_compat.OpenAIChat(openai_compat.make_client(cassette.http_client()))
    with pytest.raises(openai.BadRequestError):
        chat.complete("system", "user", CallContext("summary"))
    (row,) = calls()
    assert not row.ok and "context length" in row.error and row.cost_usd == 0


def test_without_a_test_transport_the_network_is_refused():
    from tapecut.ai.conftest import NetworkCalled

    chat = openai_compat.OpenAIChat(
        openai_compat.openai.OpenAI(
            api_key=testing.FAKE_KEY, base_url="https://llm.test.invalid/v1", max_retries=0
        )
    )
    with pytest.raises(NetworkCalled, match=r"llm\.test\.invalid"):
        chat.complete("system", "user", CallContext("summary"))


def test_a_recording_can_be_made_and_replayed(tmp_path, monkeypatch):
    upstream = testing.Cassette("openai_embeddings")  # stands in for the real endpoint
    recorder = testing.RecordingTransport(testing.httpx.MockTransport(upstream.handle))
    ctx = CallContext("embedding")
    texts = [
        "Das Formular verlangt dreimal dieselbe Unterschrift.",
        "The form wants the same signature three times.",
    ]
    live = openai_compat.OpenAIEmbedder(
        openai_compat.make_client(testing.httpx.Client(transport=recorder))
    ).embed(texts, ctx)
    monkeypatch.setattr(testing, "CASSETTES", tmp_path)
    path = recorder.save("recorded", note="recorded in a test")

    assert testing.FAKE_KEY not in path.read_text()
    replay = testing.Cassette("recorded")
    again = openai_compat.OpenAIEmbedder(openai_compat.make_client(replay.http_client()))
    assert np.array_equal(again.embed(texts, ctx), live) and replay.done
