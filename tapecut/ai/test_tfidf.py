import numpy as np
import pytest

from tapecut.ai.backends import tfidf
from tapecut.ai.base import CallContext

CTX = CallContext("embedding")
REPORTS = [
    "Straßenlaterne in der Hauptstraße ist defekt",
    "Strassenlaterne Hauptstrasse defekt seit Tagen",
    "Laterne am Bahnhof kaputt",
    "Müll am Seeufer liegt seit einer Woche",
    "Muell am Seeufer nicht abgeholt",
    "Schlagloch in der Radwegkurve",
    "Tiefes Schlagloch auf dem Radweg",
    "Reisekostenantrag braucht drei Unterschriften",
    "Für jede Reisekostenabrechnung drei Unterschriften",
    "Formular fragt dreimal nach der Personalnummer",
]


@pytest.fixture
def model_path(tmp_path):
    return tmp_path / "models" / "tfidf.npz"


@pytest.mark.django_db
def test_fit_persist_and_embed(model_path):
    embedder = tfidf.TfidfEmbedder(model_path)
    embedder.fit(REPORTS)
    vectors = embedder.embed(REPORTS[:4], CTX)

    assert model_path.is_file() and embedder.name.startswith("tfidf-svd")
    assert vectors.shape == (4, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[3]  # umlauts and ß folded
    loaded = tfidf.TfidfEmbedder(model_path)  # another process, later
    assert loaded.name == embedder.name
    assert np.allclose(loaded.embed(REPORTS[:4], CTX), vectors, atol=1e-6)


def test_the_file_holds_numbers_and_json_only(model_path):
    tfidf.TfidfEmbedder(model_path).fit(REPORTS)
    with np.load(model_path, allow_pickle=False) as z:
        assert all(z[name].dtype != object for name in z.files)
        assert b"Hauptstra".lower() in z["vocabulary"].tobytes().lower()


@pytest.mark.django_db
def test_a_refit_elsewhere_is_picked_up_under_a_new_name(model_path):
    worker = tfidf.TfidfEmbedder(model_path)
    tfidf.TfidfEmbedder(model_path).fit(REPORTS)
    assert worker.embed(REPORTS[:1], CTX).shape == (1, worker.dim)
    old_name = worker.name
    tfidf.TfidfEmbedder(model_path).fit(
        [*REPORTS, "Parkausweis muss jedes Jahr neu beantragt werden", "Parkausweis Antrag"]
    )
    worker.embed(REPORTS[:1], CTX)
    assert worker.name != old_name


def test_an_unsaved_fit_leaves_the_organisations_model_alone(model_path):
    tfidf.TfidfEmbedder(model_path).fit(REPORTS)
    before = model_path.read_bytes()
    scratch = tfidf.TfidfEmbedder(model_path)
    scratch.fit(REPORTS[:5], save=False)
    assert model_path.read_bytes() == before
    assert scratch.name != tfidf.TfidfEmbedder(model_path).name


def test_unfitted_and_too_small_fail_with_a_clear_error(model_path):
    with pytest.raises(tfidf.NotFitted, match="fit it first"):
        tfidf.TfidfEmbedder(model_path).embed(["x"], CTX)
    with pytest.raises(ValueError, match="at least 3"):
        tfidf.TfidfEmbedder(model_path).fit(["one", "  ", "two"])
    assert not model_path.exists()
