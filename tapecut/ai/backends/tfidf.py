"""An embedder fitted on the organisation's own reports: TF-IDF of words (1–2) and characters
(3–5), reduced to at most 256 dimensions by truncated SVD (latent semantic analysis).

Fast (thousands of reports a second) and needs nothing but scikit-learn, but it is lexical and
not cross-lingual, so it is an option, not the default. It must be fitted before use
(``fit(texts)``) and can be refitted at any time. The model is one ``.npz`` file of numeric
arrays plus the vocabulary as JSON text, loaded with ``allow_pickle=False``: a model file can
carry numbers and words, never code. Each fit has its own ``name``, because vectors from two
fits cannot be compared: whoever stores vectors must re-embed after a refit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from tapecut.ai import ledger
from tapecut.ai.backends.local import normalise
from tapecut.ai.base import CallContext, Vector

MAX_DIM = 256
MIN_TEXTS = 3
FORMAT = 1
# Caps keep the model file near 50 MB (float16 components) however many reports there are.
WORD_FEATURES = 30_000
CHAR_FEATURES = 60_000
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class NotFitted(ImproperlyConfigured):
    """The TF-IDF embedder has no model yet."""


def _prepare(text: str) -> str:
    # Reports spell umlauts both ways ("Strassenlaterne", "Straßenlaterne").
    return text.lower().translate(_UMLAUTS)


def _vectorizers(word_vocab: Any = None, char_vocab: Any = None) -> tuple[Any, Any]:
    common: dict[str, Any] = {"sublinear_tf": True, "dtype": np.float32, "preprocessor": _prepare}
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        min_df=1 if word_vocab else 2,
        max_features=None if word_vocab else WORD_FEATURES,
        vocabulary=word_vocab,
        **common,
    )
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=1 if char_vocab else 2,
        max_features=None if char_vocab else CHAR_FEATURES,
        vocabulary=char_vocab,
        **common,
    )
    return word, char


@dataclass
class TfidfModel:
    word: Any
    char: Any
    components: Vector  # (dim, n_word + n_char)
    fit_id: str

    def transform(self, texts: list[str]) -> Vector:
        features = sparse.hstack([self.word.transform(texts), self.char.transform(texts)])
        return normalise(sparse.csr_matrix(features) @ self.components.T)


def fit_model(texts: list[str]) -> TfidfModel:
    texts = [t for t in texts if t.strip()]
    if len(texts) < MIN_TEXTS:
        raise ValueError(f"fitting TF-IDF needs at least {MIN_TEXTS} non-empty texts")
    word, char = _vectorizers()
    try:
        features = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    except ValueError:  # every term below min_df: too few texts that share words
        word.min_df = char.min_df = 1
        features = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    dim = min(MAX_DIM, features.shape[1] - 1, len(texts) - 1)
    svd = TruncatedSVD(n_components=dim, algorithm="randomized", random_state=0)
    svd.fit(features)
    components = svd.components_.astype(np.float16).astype(np.float32)
    fit_id = hashlib.sha256(components.tobytes()).hexdigest()[:12]
    return TfidfModel(word, char, components, fit_id)


def save_model(model: TfidfModel, path: Path) -> None:
    """Write the model next to its final name, then rename: readers never see half a file."""
    vocabulary = {
        "word": _terms(model.word.vocabulary_),
        "char": _terms(model.char.vocabulary_),
    }
    meta = {"format": FORMAT, "fit_id": model.fit_id}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                components=model.components.astype(np.float16),
                word_idf=model.word.idf_.astype(np.float32),
                char_idf=model.char.idf_.astype(np.float32),
                vocabulary=_json_bytes(vocabulary),
                meta=_json_bytes(meta),
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: Path) -> TfidfModel:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes())
        if meta.get("format") != FORMAT:
            raise ImproperlyConfigured(f"{path}: unknown TF-IDF model format {meta.get('format')}")
        vocabulary = json.loads(z["vocabulary"].tobytes())
        word, char = _vectorizers(_index(vocabulary["word"]), _index(vocabulary["char"]))
        word.idf_ = z["word_idf"]
        char.idf_ = z["char_idf"]
        components = z["components"].astype(np.float32)
    return TfidfModel(word, char, components, str(meta["fit_id"]))


def _terms(vocabulary: dict[str, int]) -> list[str]:
    return [term for term, _col in sorted(vocabulary.items(), key=lambda item: item[1])]


def _index(terms: list[str]) -> dict[str, int]:
    return {term: col for col, term in enumerate(terms)}


def _json_bytes(data: Any) -> Any:
    return np.frombuffer(json.dumps(data, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


class TfidfEmbedder:
    """Choose with ``TAPECUT_AI_EMBEDDER=tapecut.ai.backends.tfidf.TfidfEmbedder``."""

    billable = False

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.TAPECUT_AI_MODEL_DIR / "tfidf.npz")
        self._model: TfidfModel | None = None
        self._loaded: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        self._follow_file = True
        self.name = "tfidf-svd:unfitted"
        self.dim = 0
        self._reload_if_changed()

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(self, texts: list[str], *, save: bool = True) -> None:
        """Fit on these texts and use the new model from now on (refitting is fine).

        With ``save=False`` the model stays in this object only (evaluations use that, so as
        not to replace the organisation's model)."""
        model = fit_model(texts)
        if save:
            save_model(model, self.path)
        with self._lock:
            # An unsaved model must not be replaced by the file on the next embed().
            self._follow_file = save
            self._use(model, _signature(self.path) if save else None)

    def embed(self, texts: list[str], ctx: CallContext) -> Vector:
        self._reload_if_changed()
        model = self._model
        if model is None:
            raise NotFitted(
                f"The TF-IDF embedder has no model at {self.path}: fit it first "
                "(TfidfEmbedder().fit(texts) with the organisation's reports)."
            )
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with ledger.call(self.name, "tfidf-svd", ctx, items=len(texts), billable=False):
            return model.transform(list(texts))

    def _reload_if_changed(self) -> None:
        """Another process may have refitted: pick up its model (a new file took the name)."""
        if not self._follow_file:
            return
        try:
            signature = _signature(self.path)
        except FileNotFoundError:
            return
        if signature == self._loaded:
            return
        with self._lock:
            if signature != self._loaded:
                self._use(load_model(self.path), signature)

    def _use(self, model: TfidfModel, signature: tuple[int, int, int] | None) -> None:
        self._model = model
        self._loaded = signature
        self.name = f"tfidf-svd{model.components.shape[0]}:{model.fit_id}"
        self.dim = int(model.components.shape[0])


def _signature(path: Path) -> tuple[int, int, int]:
    # save_model renames a new file into place, so the inode changes with every fit.
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
