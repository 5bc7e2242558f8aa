"""The real default embedder: loads the bundled model, offline (the socket guard is on)."""

import numpy as np
import pytest
from django.test import override_settings

from tapecut.ai import registry
from tapecut.ai.backends.local import LocalEmbedder
from tapecut.ai.base import CallContext, Embedder

pytestmark = [pytest.mark.model, pytest.mark.django_db]


@override_settings(TAPECUT_AI_EMBEDDER="tapecut.ai.backends.local.LocalEmbedder")
def test_the_default_embedder_works_offline_at_zero_cost():
    from tapecut.ledger.budget import month_spend
    from tapecut.ledger.models import ModelCall

    embedder = registry.get_embedder()
    texts = [
        "Die Straßenlaterne vor unserem Haus ist seit zwei Wochen kaputt.",
        "The street lamp in front of our house has been broken for two weeks.",
        "Für jede Dienstreise brauche ich drei Unterschriften.",
        "Bad\udcffbytes and a NUL\x00 inside",
    ]
    vectors = embedder.embed(texts, CallContext("embedding", report_id=1))

    assert isinstance(embedder, Embedder) and vectors.shape == (4, embedder.dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Cross-lingual: the same complaint in two languages is closer than another complaint.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05
    (row,) = ModelCall.objects.all()
    assert (row.backend, row.items, row.cost_usd, row.ok) == ("e5-small-q4", 4, 0, True)
    assert month_spend() == 0


def test_sorting_by_length_keeps_each_vector_with_its_text():
    embedder = LocalEmbedder()
    texts = ["A much longer text about travel expense forms and their signatures.", "Kurz.", "x"]
    together = embedder.encode(texts)
    alone = np.vstack([embedder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-3)
