import numpy as np
from django.test import override_settings

from tapecut.ai.backends.local import LocalEmbedder
from tapecut.evals import classify

FAKE = "tapecut.ai.backends.fake.FakeEmbedder"


def test_cached_embeddings_are_kept_per_embedder_and_reading(tmp_path, db):
    texts = ["Der Drucker hat keinen Toner", "Three signatures for one train ticket"]
    name, first = classify.embed(FAKE, texts, tmp_path)
    again = classify.embed(FAKE, texts, tmp_path)
    assert again[0] == name and np.array_equal(again[1], first)
    assert len(list(tmp_path.glob("embeddings-*.npz"))) == 1
    # The local e5 keeps its name whatever it reads; the cache key must still tell them apart.
    with override_settings(TAPECUT_AI_E5_MAX_TOKENS=64):
        short = classify.identity(LocalEmbedder())
    with override_settings(TAPECUT_AI_E5_MAX_TOKENS=0):
        whole = classify.identity(LocalEmbedder())
    assert short != whole and "/max64" in short
