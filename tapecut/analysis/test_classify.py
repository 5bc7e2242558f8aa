"""The pure classifier and the lexical helpers."""

from __future__ import annotations

import numpy as np

from tapecut.analysis.classify import TextClassifier
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
