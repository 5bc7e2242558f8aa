"""The pure classifier and the lexical helpers."""

from __future__ import annotations

import numpy as np
import pytest

from tapecut.analysis.classify import FUSIONS, TextClassifier
from tapecut.analysis.stages import lexical
from tapecut.analysis.text import jaccard, numbers, shingles


def test_classifier_learns_from_few_examples_and_unlabelled_texts() -> None:
    texts = ["Laterne defekt", "Strassenlaterne aus", "Muell am Ufer", "wilder Muell im Park"]
    labels = ["licht", "licht", "muell", "muell"]
    model = TextClassifier().fit(texts, labels, unlabelled=["Laterne flackert", "Muell liegt rum"])
    assert model.predict(["Die Laterne ist defekt", "Muell ueberall"]) == ["licht", "muell"]
    proba = model.predict_proba(["Laterne"])
    assert proba.shape == (1, 2) and abs(float(proba.sum()) - 1.0) < 1e-6


def test_classifier_uses_vectors_when_given() -> None:
    vectors = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1]], dtype=np.float32)
    model = TextClassifier(self_train=False).fit(
        ["a", "b", "c", "d"], ["x", "x", "y", "y"], vectors
    )
    assert model.predict(["zzz"], np.array([[0.0, 1.0]], dtype=np.float32)) == ["y"]


def test_self_training_carries_labels_through_unlabelled_texts() -> None:
    # "Leuchte" is in no labelled text; the unlabelled ones pair it with "Laterne".
    texts = ["Laterne defekt", "Laterne aus", "Muell am Ufer", "Muell im Park"]
    labels = ["licht", "licht", "muell", "muell"]
    pool = ["Laterne Leuchte defekt", "Laterne Leuchte aus", "Muell Tonne voll", "Muell Sack"]
    plain = TextClassifier(self_train=False).fit(texts, labels, unlabelled=pool)
    trained = TextClassifier().fit(texts, labels, unlabelled=pool)
    licht = trained.classes.index("licht")
    before = plain.predict_proba(["Leuchte"])[0, licht]
    after = trained.predict_proba(["Leuchte"])[0, licht]
    assert after > before + 0.05 and after > 0.5


def _shared_direction_vectors() -> tuple[np.ndarray, list[str]]:
    # Like a sentence encoder's: every vector close to one common direction, the class in a
    # small component that only shows once the mean is taken off.
    rng = np.random.default_rng(0)
    labels = ["x", "y"] * 10
    sign = np.array([1.0 if lab == "x" else -1.0 for lab in labels])
    vectors = np.zeros((20, 8), dtype=np.float32)
    vectors[:, 0] = 10.0
    vectors[:, 1] = 0.3 * sign
    vectors[:, 2:] = 0.05 * rng.standard_normal((20, 6))
    return vectors, labels


def test_classifier_centres_embeddings_that_share_a_direction() -> None:
    vectors, labels = _shared_direction_vectors()
    texts = [f"bericht {i}" for i in range(20)]  # the texts say nothing about the class
    model = TextClassifier(self_train=False).fit(texts, labels, vectors)
    new = np.array([[10.0, 0.3, 0, 0, 0, 0, 0, 0], [10.0, -0.3, 0, 0, 0, 0, 0, 0]])
    assert model.predict(["neu", "neu"], new.astype(np.float32)) == ["x", "y"]
    assert model.predict_proba(["neu"], new[:1].astype(np.float32))[0, 0] > 0.7


def test_missing_embeddings_leave_the_text_to_decide() -> None:
    vectors, labels = _shared_direction_vectors()
    texts = ["Laterne defekt" if lab == "x" else "Muell liegt herum" for lab in labels]
    vectors[:4] = 0.0  # reports whose embedding failed are stored as zero vectors
    model = TextClassifier(self_train=False).fit(texts, labels, vectors)
    probe = ["Laterne defekt", "Muell liegt herum"]
    zero = np.zeros((2, 8), dtype=np.float32)
    # A zero row is no embedding, not the opposite of the average one.
    np.testing.assert_allclose(model.predict_proba(probe, zero), model.predict_proba(probe))
    assert model.predict(probe, zero) == ["x", "y"]


def test_classifier_rejects_vectors_that_do_not_fit() -> None:
    vectors, labels = _shared_direction_vectors()
    texts = [f"bericht {i}" for i in range(20)]
    with pytest.raises(ValueError, match="one row per text"):
        TextClassifier().fit(texts, labels, vectors[:5])
    with pytest.raises(ValueError, match="one row per text"):
        TextClassifier().fit(texts, labels, vectors, ["a", "b"], vectors[:1])
    with pytest.raises(ValueError, match="as many columns"):
        TextClassifier().fit(texts, labels, vectors, ["a"], np.ones((1, 4), dtype=np.float32))
    model = TextClassifier().fit(texts, labels, vectors)
    with pytest.raises(ValueError, match="fitted on 8"):
        model.predict(["neu"], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="as many labels"):
        TextClassifier().fit(texts, labels[:3])


def test_one_class_means_certainty() -> None:
    model = TextClassifier().fit(["Laterne aus", "Laterne defekt"], ["licht", "licht"])
    assert model.predict(["irgendwas"]) == ["licht"]
    assert model.predict_proba(["irgendwas"]).tolist() == [[1.0]]


def test_minhash_bands_agree_for_equal_texts_only() -> None:
    sets = [
        shingles("Laterne Nr. 18 defekt"),
        shingles("Laterne Nr. 18 defekt"),
        shingles("Ganz anderer Text hier"),
    ]
    hashes = lexical.band_hashes(lexical.signatures(sets))
    assert hashes.shape == (3, lexical.BANDS) and hashes.dtype == np.int64
    assert (hashes[0] == hashes[1]).all() and not (hashes[0] == hashes[2]).any()
    pairs = lexical.batch_pairs([10, 11, 12], hashes, np.array([False, False, False]))
    assert pairs == {(11, 10)}


def test_text_helpers() -> None:
    assert numbers("Laterne 018 und 7") == frozenset({"18", "7"})
    assert jaccard(shingles("Straße kaputt"), shingles("Strasse kaputt")) == 1.0
    assert jaccard(set(), {"a"}) == 0.0


def test_the_mix_is_chosen_by_what_carries_the_class_in_the_labelled_texts() -> None:
    rng = np.random.default_rng(2)
    labels = ["x", "y"] * 30
    sign = np.array([1.0 if lab == "x" else -1.0 for lab in labels])
    # The words point the wrong way for a third of the texts; the embedding is always right.
    wrong = rng.random(60) < 0.35
    words = [
        "Laterne defekt" if (s > 0) != w else "Muell am Ufer"
        for s, w in zip(sign, wrong, strict=True)
    ]
    texts = [f"{w} {rng.integers(10**6)}" for w in words]
    vectors = np.column_stack([sign, rng.standard_normal((60, 7))]).astype(np.float32)
    by_embedding = TextClassifier(self_train=False).fit(texts, labels, vectors)
    assert share(by_embedding.fusion) > share(FUSIONS[0])
    # Words that never lie and an embedding of noise: the embedding gets no more weight.
    honest = [f"{'Laterne defekt' if s > 0 else 'Muell am Ufer'} {i}" for i, s in enumerate(sign)]
    noise = rng.standard_normal((60, 8)).astype(np.float32)
    by_words = TextClassifier(self_train=False).fit(honest, labels, noise)
    assert share(by_words.fusion) <= share(FUSIONS[0])
    # Too few labelled texts to choose: the mix measured on the German reports.
    few = TextClassifier(self_train=False).fit(texts[:10], labels[:10], vectors[:10])
    assert few.fusion == FUSIONS[0]


def share(fusion: tuple[float, float] | None) -> float:
    assert fusion is not None
    return fusion[1] / sum(fusion)
