"""Keyword labels for themes: class-based TF-IDF over the themes' redacted texts.

Each theme's texts are one document; a word scores high when it is frequent in that theme and
rare across themes. German and English stop words (``tapecut.analysis.stopwords``) and the
redaction placeholders never become keywords.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from tapecut.analysis.stopwords import STOP_WORDS
from tapecut.analysis.text import fold

TOP = 5
_PLACEHOLDERS = {"email", "phone", "iban", "name"}


def _tokens(text: str) -> list[str]:
    from tapecut.analysis.text import words

    return [w for w in words(text) if w not in STOP_WORDS and w not in _PLACEHOLDERS]


def class_keywords(groups: Sequence[Sequence[str]], top: int = TOP) -> list[list[str]]:
    """For each group of texts, its ``top`` keywords (folded: umlauts spelt out)."""
    docs = [" ".join(group) for group in groups]
    if not any(d.strip() for d in docs):
        return [[] for _ in docs]
    vec = CountVectorizer(analyzer=_tokens, lowercase=False)
    try:
        counts = vec.fit_transform(docs).astype(np.float64)
    except ValueError:  # nothing but stop words
        return [[] for _ in docs]
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1.0)).tocsr()
    avg_words = counts.sum() / max(1, len(docs))
    idf = np.log1p(avg_words / np.maximum(np.asarray(counts.sum(axis=0)).ravel(), 1.0))
    scores = tf.multiply(idf).tocsr()
    vocab = np.asarray(vec.get_feature_names_out())
    out = []
    for row in range(scores.shape[0]):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        cols, vals = scores.indices[start:end], scores.data[start:end]
        best = cols[np.argsort(-vals, kind="stable")[:top]]
        out.append([str(w) for w in vocab[best]])
    return out


def text_keywords(text: str, top: int = TOP) -> list[str]:
    """Keywords of one text alone (a new theme with one report): its longest distinct words."""
    seen = list(dict.fromkeys(_tokens(text)))
    return sorted(seen, key=lambda w: (-len(w), seen.index(w)))[:top]


__all__ = ["class_keywords", "fold", "text_keywords"]
