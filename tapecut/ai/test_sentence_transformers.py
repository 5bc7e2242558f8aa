import sys
import types

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tapecut.ai import registry
from tapecut.ai.base import CallContext

PATH = "tapecut.ai.backends.sentence_transformers.SentenceTransformerEmbedder"


@pytest.fixture
def fresh_module():
    # Import the adapter anew against the (fake or missing) package, and forget it afterwards.
    sys.modules.pop("tapecut.ai.backends.sentence_transformers", None)
    yield
    sys.modules.pop("tapecut.ai.backends.sentence_transformers", None)


@pytest.mark.usefixtures("fresh_module")
def test_without_the_extra_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(
        ImproperlyConfigured, match=r"pip install 'tapecut\[sentence-transformers\]'"
    ):
        registry.import_backend(PATH)


class _Model:
    """What the adapter uses of sentence_transformers.SentenceTransformer."""

    def __init__(self, name, device):
        self.name, self.device = name, device

    def get_sentence_embedding_dimension(self):
        return 3

    def encode(self, texts, normalize_embeddings, convert_to_numpy):
        assert normalize_embeddings and convert_to_numpy
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_module")
@override_settings(TAPECUT_SENTENCE_TRANSFORMERS_MODEL="/models/e5")
def test_the_adapter_loads_the_configured_model_on_the_cpu(monkeypatch):
    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = _Model  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    embedder = registry.import_backend(PATH)()
    vectors = embedder.embed(["abc", ""], CallContext("embedding"))
    assert embedder._engine.device == "cpu" and embedder.name == "st:/models/e5"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0) and embedder.dim == 3
