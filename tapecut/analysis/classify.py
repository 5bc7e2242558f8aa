"""The trainable text classifier behind the category stage (pure: no database).

One linear SVM over one feature vector per text: character 2–5-gram TF-IDF (within words, so
German compounds share their parts: "Strassenlaterne" and "Laterne") joined with the sentence
embedding, centred, each block scaled by a weight. The weights are chosen per installation: by
cross-validation inside the labelled texts, among a few mixes from TF-IDF alone to the embedding
alone (an encoder that knows the installation's language well earns more weight). Both blocks
are fitted on the labelled and the unlabelled texts together (the team's unlabelled reports are
there in production too): the TF-IDF vocabulary and weights, and the mean taken off the
embeddings, whose raw vectors all point much the same way. One round of self-training then adds
the unlabelled texts the first model is surest of. Refitting takes seconds for a few thousand
reports, so it runs whenever the team corrects one. What was tried and measured against this is
in docs/benchmarks.md.
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
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from tapecut.analysis.text import fold

# Regularisation of the SVM; cross-validation inside the labelled rows chose it on every split.
SVM_C = 0.3
# (TF-IDF, embedding) block weights tried on the labelled texts; the first wins a tie. (1, 0.5)
# was the fixed mix before: 0.5–0.8 measure alike on the German reports.
FUSIONS = ((1.0, 0.5), (1.0, 0.0), (1.0, 1.0), (0.5, 1.0), (0.0, 1.0))
INNER_FOLDS = 3
# Another mix replaces the first only when it is this much more accurate inside the labelled
# texts: with a few hundred labels smaller gains are noise (on the German reports a mix chosen
# by a smaller gain lost 0.6 points of held-out accuracy on average).
CHOOSE_MARGIN = 0.02
# Fewer labelled texts than this (or a class with fewer than INNER_FOLDS): the first mix.
MIN_TO_CHOOSE = 30
# Decision values of the SVM are turned into probabilities with this softmax sharpness.
SVM_TEMPERATURE = 3.0
# Share of the unlabelled texts, the most confident first, added as pseudo-labels.
SELF_TRAIN_SHARE = 0.8
MAX_UNLABELLED = 5000


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, dtype=np.float32
    )


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass
class TextClassifier:
    self_train: bool = True
    # (TF-IDF, embedding) weights; None: chosen in fit() by cross-validation (see FUSIONS).
    fusion: tuple[float, float] | None = None
    classes: list[str] = field(default_factory=list)
    _char: Any = None
    _centre: np.ndarray | None = None  # mean embedding; None: fitted without embeddings
    _svm: Any = None

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
        _check_rows(texts, vectors, "vectors")
        _check_rows(unlabelled, unlabelled_vectors, "unlabelled_vectors")
        unlabelled, unlabelled_vectors = _cap(unlabelled, unlabelled_vectors)
        self.classes = sorted(set(labels))
        self._fit_features([*texts, *unlabelled], [vectors, unlabelled_vectors])
        y = np.asarray(labels)
        if self.fusion is None:
            self.fusion = self._choose_fusion(texts, vectors, y)
        feats = self._features(texts, vectors)
        self._svm = _fit_svm(feats, y)
        if self.self_train and self._svm is not None and len(unlabelled):
            pool = self._features(unlabelled, unlabelled_vectors)
            proba = self._proba(pool)
            conf = proba.max(axis=1)
            keep = np.flatnonzero(conf >= np.quantile(conf, 1 - SELF_TRAIN_SHARE))
            pseudo = np.asarray(self.classes)[proba[keep].argmax(axis=1)]
            self._svm = _fit_svm(sparse.vstack([feats, pool[keep]]).tocsr(), [*y, *pseudo])
        return self

    def _fit_features(self, corpus: list[str], blocks: list[np.ndarray | None]) -> None:
        self._char = _vectorizer()
        folded = [fold(t) for t in corpus]
        try:
            self._char.fit(folded)
        except ValueError:  # too few texts for min_df=2
            self._char.set_params(min_df=1).fit(folded)
        given = [b for b in blocks if b is not None]
        if len({b.shape[1] for b in given}) > 1:
            raise ValueError("vectors and unlabelled_vectors must have as many columns")
        # Missing embeddings come as zero rows: they neither count in the mean nor move by it.
        rows = np.vstack([b[np.any(b, axis=1)] for b in given]) if given else np.zeros((0, 0))
        self._centre = rows.mean(axis=0) if len(rows) else None

    def _features(self, texts: Sequence[str], vectors: np.ndarray | None) -> sparse.csr_matrix:
        return _weighted(*self._blocks(texts, vectors), self.fusion or FUSIONS[0])

    def _blocks(
        self, texts: Sequence[str], vectors: np.ndarray | None
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix | None]:
        """The unit-norm TF-IDF rows and embedding rows (None: fitted without embeddings)."""
        chars = normalize(self._char.transform([fold(t) for t in texts]))
        if self._centre is None:
            return chars, None
        return chars, _embedding_block(self._centre, len(texts), vectors)

    def _choose_fusion(
        self, texts: Sequence[str], vectors: np.ndarray | None, y: np.ndarray
    ) -> tuple[float, float]:
        """The mix with the best accuracy over INNER_FOLDS folds of the labelled texts."""
        _values, counts = np.unique(y, return_counts=True)
        if self._centre is None or len(y) < MIN_TO_CHOOSE or counts.min() < INNER_FOLDS:
            return FUSIONS[0] if self._centre is not None else (1.0, 0.0)
        chars, block = self._blocks(texts, vectors)
        folds = list(StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=0).split(chars, y))
        best, best_score = FUSIONS[0], -1.0
        for fusion in FUSIONS:
            feats = _weighted(chars, block, fusion)
            score = float(np.mean([_accuracy(feats, y, train, test) for train, test in folds]))
            if best_score < 0 or score > best_score + CHOOSE_MARGIN:
                best, best_score = fusion, score
        return best

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """(n, len(classes)) probabilities; one class only means certainty."""
        if self._svm is None:
            return np.ones((len(texts), len(self.classes))) / max(1, len(self.classes))
        _check_rows(texts, vectors, "vectors")
        return self._proba(self._features(texts, vectors))

    def _proba(self, feats: sparse.csr_matrix) -> np.ndarray:
        scores = self._svm.decision_function(feats)
        if scores.ndim == 1:  # two classes: sklearn gives one column
            scores = np.column_stack([-scores, scores])
        out = np.zeros((feats.shape[0], len(self.classes)))
        out[:, [self.classes.index(c) for c in self._svm.classes_]] = _softmax(
            SVM_TEMPERATURE * scores
        )
        return out

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[str]:
        proba = self.predict_proba(texts, vectors)
        return [self.classes[i] for i in proba.argmax(axis=1)]


def _weighted(
    chars: sparse.csr_matrix, block: sparse.csr_matrix | None, fusion: tuple[float, float]
) -> sparse.csr_matrix:
    if block is None:
        return chars
    return sparse.hstack([fusion[0] * chars, fusion[1] * block]).tocsr()


def _accuracy(
    feats: sparse.csr_matrix, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> float:
    svm = _fit_svm(feats[train], y[train])
    if svm is None:
        return 0.0
    return float(np.mean(svm.predict(feats[test]) == y[test]))


def _embedding_block(centre: np.ndarray, n: int, vectors: np.ndarray | None) -> sparse.csr_matrix:
    if vectors is None:
        return sparse.csr_matrix((n, centre.shape[0]), dtype=np.float32)
    if vectors.shape[1] != centre.shape[0]:
        raise ValueError(
            f"vectors have {vectors.shape[1]} columns; the model was fitted on {centre.shape[0]}"
        )
    centred = np.where(np.any(vectors, axis=1, keepdims=True), vectors - centre, 0.0)
    return sparse.csr_matrix(normalize(centred).astype(np.float32))


def _fit_svm(feats: sparse.csr_matrix, y: Sequence[str] | np.ndarray) -> Any:
    if len(set(y)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LinearSVC(C=SVM_C, class_weight="balanced").fit(feats, np.asarray(y))


def _check_rows(texts: Sequence[str], vectors: np.ndarray | None, name: str) -> None:
    if vectors is not None and (vectors.ndim != 2 or vectors.shape[0] != len(texts)):
        raise ValueError(f"{name} must have one row per text ({len(texts)}), not {vectors.shape}")


def _cap(texts: Sequence[str], vectors: np.ndarray | None) -> tuple[list[str], Any]:
    if len(texts) <= MAX_UNLABELLED:
        return list(texts), vectors
    keep = np.random.default_rng(0).choice(len(texts), MAX_UNLABELLED, replace=False)
    return [texts[i] for i in keep], (vectors[keep] if vectors is not None else None)
