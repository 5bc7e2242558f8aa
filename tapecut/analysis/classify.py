"""The trainable text classifier behind the category stage (pure: no database).

Two views of each text, averaged: a linear SVM over character (2–5) and word (1–2) TF-IDF, and
a logistic regression over the sentence embedding. The TF-IDF vocabulary is fitted on the
labelled and unlabelled texts together (the team's unlabelled reports are there in production
too), and one round of self-training adds the unlabelled texts the first model is surest of.
Refitting takes seconds for a few thousand reports, so it runs whenever the team corrects one.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from tapecut.analysis.text import fold

# Decision values of the SVM are turned into probabilities with this softmax sharpness.
SVM_TEMPERATURE = 3.0
# Share of the unlabelled texts, the most confident first, added as pseudo-labels.
SELF_TRAIN_SHARE = 0.5
MAX_UNLABELLED = 5000
# One-letter words count too: short reports have few words to spare.
WORD_REGEX = r"(?u)\b\w+\b"


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, dtype=np.float32
    )
    word = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32, token_pattern=WORD_REGEX
    )
    return char, word


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass
class TextClassifier:
    self_train: bool = True
    classes: list[str] = field(default_factory=list)
    _char: Any = None
    _word: Any = None
    _svm: Any = None
    _lr: Any = None

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        vectors: np.ndarray | None = None,
        unlabelled: Sequence[str] = (),
        unlabelled_vectors: np.ndarray | None = None,
    ) -> TextClassifier:
        if len(texts) != len(labels) or not texts:
            raise ValueError("fit needs as many labels as texts, and at least one")
        self.classes = sorted(set(labels))
        unlabelled, unlabelled_vectors = _cap(unlabelled, unlabelled_vectors)
        self._fit_features([*texts, *unlabelled])
        y = np.asarray(labels)
        self._fit_models(self._features(texts), vectors, y)
        if self.self_train and len(unlabelled) and len(self.classes) > 1:
            proba = self.predict_proba(unlabelled, unlabelled_vectors)
            conf = proba.max(axis=1)
            keep = np.flatnonzero(conf >= np.quantile(conf, 1 - SELF_TRAIN_SHARE))
            pseudo = np.asarray(self.classes)[proba[keep].argmax(axis=1)]
            feats = sparse.vstack(
                [self._features(texts), self._features([unlabelled[i] for i in keep])]
            )
            vecs = _stack(vectors, unlabelled_vectors, keep)
            self._fit_models(feats.tocsr(), vecs, np.concatenate([y, pseudo]))
        return self

    def _fit_features(self, corpus: list[str]) -> None:
        self._char, self._word = _vectorizers()
        folded = [fold(t) for t in corpus]
        try:
            self._char.fit(folded)
        except ValueError:  # too few texts for min_df=2
            self._char.set_params(min_df=1).fit(folded)
        self._word.fit(folded)

    def _features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        folded = [fold(t) for t in texts]
        both = sparse.hstack([self._char.transform(folded), self._word.transform(folded)])
        return normalize(both.tocsr())

    def _fit_models(self, feats: Any, vectors: np.ndarray | None, y: np.ndarray) -> None:
        self._svm = self._lr = None
        if len(set(y)) < 2:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._svm = LinearSVC(C=1.0, class_weight="balanced").fit(feats, y)
            if vectors is not None and np.any(vectors):
                self._lr = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
                self._lr.fit(vectors, y)

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """(n, len(classes)) probabilities; one class only means certainty."""
        n = len(texts)
        if self._svm is None:
            return np.ones((n, len(self.classes))) / max(1, len(self.classes))
        views = [self._place(self._svm, _softmax(SVM_TEMPERATURE * self._svm_scores(texts)))]
        if self._lr is not None and vectors is not None:
            views.append(self._place(self._lr, self._lr.predict_proba(vectors)))
        return np.asarray(np.mean(views, axis=0))

    def _svm_scores(self, texts: Sequence[str]) -> np.ndarray:
        scores = self._svm.decision_function(self._features(texts))
        if scores.ndim == 1:  # two classes: sklearn gives one column
            scores = np.column_stack([-scores, scores])
        return np.asarray(scores)

    def _place(self, model: Any, proba: np.ndarray) -> np.ndarray:
        out = np.zeros((proba.shape[0], len(self.classes)))
        cols = [self.classes.index(c) for c in model.classes_]
        out[:, cols] = proba
        return out

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[str]:
        proba = self.predict_proba(texts, vectors)
        return [self.classes[i] for i in proba.argmax(axis=1)]


def _cap(texts: Sequence[str], vectors: np.ndarray | None) -> tuple[list[str], Any]:
    if len(texts) <= MAX_UNLABELLED:
        return list(texts), vectors
    keep = np.random.default_rng(0).choice(len(texts), MAX_UNLABELLED, replace=False)
    return [texts[i] for i in keep], (vectors[keep] if vectors is not None else None)


def _stack(vectors: np.ndarray | None, extra: np.ndarray | None, keep: np.ndarray) -> Any:
    if vectors is None or extra is None:
        return None
    return np.vstack([vectors, extra[keep]])
