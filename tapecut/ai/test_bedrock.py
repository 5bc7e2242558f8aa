from decimal import Decimal

import numpy as np
import pytest
from django.test import override_settings

from tapecut.ai import testing
from tapecut.ai.backends import bedrock
from tapecut.ai.base import CallContext

pytestmark = pytest.mark.django_db


def calls():
    from tapecut.ledger.models import ModelCall

    return list(ModelCall.objects.order_by("id"))


@override_settings(TAPECUT_BEDROCK_CHAT_MODEL="anthropic.claude-3-haiku-20240307-v1:0")
def test_converse_is_replayed_and_costed():
    client = testing.fake_bedrock_client()
    stubber = testing.stub_bedrock(client, "bedrock_converse")
    result = bedrock.BedrockChat(client).complete(
        "Name the theme.",
        "Three signatures for a 12 euro taxi receipt.",
        CallContext("theme_label"),
        max_tokens=200,
    )
    stubber.assert_no_pending_responses()
    assert result.text == "Signatures for small receipts"
    assert (result.tokens_in, result.tokens_out) == (380, 41)
    (row,) = calls()
    assert row.backend == "bedrock:anthropic.claude-3-haiku-20240307-v1:0"
    assert row.cost_usd == (Decimal("0.25") * 380 + Decimal("1.25") * 41) / 1_000_000


@override_settings(TAPECUT_BEDROCK_EMBED_MODEL="amazon.titan-embed-text-v2:0")
def test_titan_embeds_one_text_per_request():
    client = testing.fake_bedrock_client()
    stubber = testing.stub_bedrock(client, "bedrock_titan_embed")
    embedder = bedrock.BedrockEmbedder(client)
    vectors = embedder.embed(["Laterne defekt", "Streetlight broken"], CallContext("embedding"))
    stubber.assert_no_pending_responses()
    assert np.allclose(vectors, [[0.5, 0.5, 0.5, 0.5], [0.6, 0.0, 0.8, 0.0]])
    assert embedder.dim == 4
    assert [r.tokens_in for r in calls()] == [5, 4]


@override_settings(TAPECUT_BEDROCK_EMBED_MODEL="cohere.embed-multilingual-v3")
def test_cohere_embeds_a_batch_and_reads_tokens_from_the_header():
    client = testing.fake_bedrock_client()
    stubber = testing.stub_bedrock(client, "bedrock_cohere_embed")
    vectors = bedrock.BedrockEmbedder(client).embed(
        ["Laterne defekt", "Streetlight broken"], CallContext("embedding")
    )
    stubber.assert_no_pending_responses()
    assert np.allclose(vectors, [[1 / 3, 2 / 3, 2 / 3], [0.0, 0.6, 0.8]])
    (row,) = calls()
    assert (row.items, row.tokens_in) == (2, 9)
    assert row.cost_usd == Decimal("0.10") * 9 / 1_000_000


def test_a_failed_bedrock_call_is_recorded_and_raised():
    from botocore.stub import Stubber

    client = testing.fake_bedrock_client()
    with Stubber(client) as stubber:
        stubber.add_client_error("converse", "ThrottlingException", "Too many requests", 429)
        with pytest.raises(client.exceptions.ThrottlingException):
            bedrock.BedrockChat(client).complete("s", "u", CallContext("summary"))
    (row,) = calls()
    assert not row.ok and "ThrottlingException" in row.error
