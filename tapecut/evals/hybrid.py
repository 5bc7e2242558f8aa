"""Hybrid similarity for ranking duplicate candidates: lexical TF-IDF and embedding cosine.

Each signal is standardised per query (a z-score across the candidates), so that the two
scales (TF-IDF cosines near 0.1, embedding cosines near 0.8) weigh as intended, then mixed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from tapecut.analysis.stopwords import STOP_WORDS
from tapecut.analysis.text import fold

SEMANTIC_WEIGHT = 0.7


def lexical_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit rows of word (1–2) and character (3–5) TF-IDF, each half of the weight."""
    folded = [fold(t) for t in texts]
    word = TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), stop_words=sorted(STOP_WORDS), min_df=1
    )
    char = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5), min_df=2)
    parts = [normalize(word.fit_transform(folded)), normalize(char.fit_transform(folded))]
    return normalize(sparse.hstack(parts).tocsr())


def _z(rows: np.ndarray) -> np.ndarray:
    mean = rows.mean(axis=1, keepdims=True)
    std = rows.std(axis=1, keepdims=True)
    return np.asarray((rows - mean) / np.where(std == 0, 1.0, std))


def hybrid_similarity(
    texts: Sequence[str],
    vectors: np.ndarray,
    query_rows: Sequence[int],
    semantic_weight: float = SEMANTIC_WEIGHT,
) -> np.ndarray:
    """(len(query_rows), len(texts)) scores; higher means more likely the same report."""
    lex = lexical_matrix(texts)
    lexical = np.asarray((lex[list(query_rows)] @ lex.T).toarray())
    semantic = np.asarray(vectors[list(query_rows)] @ vectors.T)
    if not np.any(vectors):
        return lexical
    return (1 - semantic_weight) * _z(lexical) + semantic_weight * _z(semantic)
