"""``tapecut eval classify --data CSV --text COL --label COL``: the category classifier.

A fraction of the rows (``--train-fraction``, drawn with ``--seed``) plays the reports the team
has corrected; the classifier is trained on them, with the other rows as the unlabelled reports
it may learn from too, and tested on those other rows. A fixed baseline (character 2–5-gram
TF-IDF + LinearSVC, trained on the labelled rows only) runs on the same split, and so do a
LinearSVC on the (centred) embedding alone and the classifier with the fixed mix it had before
the mix was chosen per installation (``fixed_*``). ``--seeds 0,1,2``
repeats the split and reports the mean (embeddings are computed once), and the CPU seconds each
fit took (CPU, not wall-clock: the refit must stay cheap on a busy machine). Runs on a throwaway
database; the last line is one JSON object.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from tqdm import tqdm

from tapecut.ai.base import CallContext
from tapecut.analysis.classify import FUSIONS, TextClassifier
from tapecut.devtools.throwaway import throwaway_database

HELP = "Train the category classifier on a fraction of labelled rows; test on the rest."
BATCH = 64


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--data", required=True, type=Path, help="CSV file with a header row")
    parser.add_argument("--text", default="text", help="column with the report text")
    parser.add_argument("--label", default="category", help="column with the label")
    parser.add_argument("--train-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", default="", help="comma-separated seeds; overrides --seed")
    parser.add_argument("--embedder", default="", help="dotted path (default: the configured)")
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder to keep embeddings in between runs"
    )


def read_rows(path: Path, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    if not path.is_file():
        raise CommandError(f"--data: no such file: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {text_col, label_col} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(f"--data: no column {sorted(missing)} in {reader.fieldnames}")
        rows = [(r[text_col] or "", r[label_col] or "") for r in reader]
    rows = [(t, lab) for t, lab in rows if t.strip() and lab.strip()]
    if len(rows) < 10:
        raise CommandError(f"--data: fewer than 10 rows with text and label in {path}")
    return [t for t, _ in rows], [lab for _, lab in rows]


def embed(
    embedder_path: str, texts: list[str], cache: Path | None = None
) -> tuple[str, np.ndarray]:
    """Embeddings of ``texts``; with ``cache``, kept in a file named by embedder and texts."""
    from tapecut.ai import registry

    path = embedder_path or settings.TAPECUT_AI_EMBEDDER
    embedder = registry.import_backend(path)()
    parts = [path, identity(embedder), *texts]
    key = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]
    cached = cache / f"embeddings-{key}.npz" if cache else None
    if cached is not None and cached.is_file():
        with np.load(cached, allow_pickle=False) as data:
            return str(data["name"]), data["vectors"]
    name, vectors = _embed(embedder, texts)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cached, name=name, vectors=vectors)
    return name, vectors


def identity(embedder: Any) -> str:
    """What makes an embedder's vectors what they are, for a cache key: its name and its model
    (the local e5 says there how many tokens of a text it reads)."""
    return f"{embedder.name}|{getattr(embedder, 'model', '')}"


def _embed(embedder: Any, texts: list[str]) -> tuple[str, np.ndarray]:
    if callable(getattr(embedder, "fit", None)):
        embedder.fit(texts, save=False)  # as an organisation fits it on its own reports
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    ctx = CallContext(purpose="eval")
    for start in tqdm(range(0, len(texts), BATCH), desc="embedding", file=sys.stderr):
        out[start : start + BATCH] = embedder.embed(texts[start : start + BATCH], ctx)
    return embedder.name, out


def split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    k = max(1, min(n - 1, round(fraction * n)))
    return np.sort(order[:k]), np.sort(order[k:])


def scores(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    acc = accuracy_score(truth, predicted)
    f1 = f1_score(truth, predicted, average="macro", zero_division=0)
    return round(float(acc), 4), round(float(f1), 4)


def baseline(texts: list[str], labels: list[str], train: np.ndarray, test: np.ndarray) -> Any:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))
    model = LinearSVC().fit(
        vec.fit_transform([texts[i] for i in train]), [labels[i] for i in train]
    )
    return list(model.predict(vec.transform([texts[i] for i in test])))


def embedding_svm(
    vectors: np.ndarray, labels: list[str], train: np.ndarray, test: np.ndarray
) -> Any:
    """A LinearSVC on the embedding alone, centred on the training rows' mean."""
    rows = normalize(vectors - vectors[train].mean(axis=0))
    model = LinearSVC().fit(rows[train], [labels[i] for i in train])
    return list(model.predict(rows[test]))


def one_seed(
    texts: list[str], labels: list[str], vectors: np.ndarray, fraction: float, seed: int
) -> dict[str, float]:
    train, test = split(len(texts), fraction, seed)
    started = time.process_time()
    model = TextClassifier().fit(
        [texts[i] for i in train],
        [labels[i] for i in train],
        vectors[train],
        unlabelled=[texts[i] for i in test],
        unlabelled_vectors=vectors[test],
    )
    fit_cpu = round(time.process_time() - started, 2)
    fixed = TextClassifier(fusion=FUSIONS[0]).fit(
        [texts[i] for i in train],
        [labels[i] for i in train],
        vectors[train],
        unlabelled=[texts[i] for i in test],
        unlabelled_vectors=vectors[test],
    )
    truth = [labels[i] for i in test]
    acc, f1 = scores(truth, model.predict([texts[i] for i in test], vectors[test]))
    f_acc, f_f1 = scores(truth, fixed.predict([texts[i] for i in test], vectors[test]))
    b_acc, b_f1 = scores(truth, baseline(texts, labels, train, test))
    e_acc, e_f1 = scores(truth, embedding_svm(vectors, labels, train, test))
    assert model.fusion is not None
    return {
        "accuracy": acc,
        "macro_f1": f1,
        "fixed_accuracy": f_acc,
        "fixed_macro_f1": f_f1,
        "baseline_accuracy": b_acc,
        "baseline_macro_f1": b_f1,
        "embedding_svm_accuracy": e_acc,
        "embedding_svm_macro_f1": e_f1,
        "fusion_embedding_share": round(model.fusion[1] / sum(model.fusion), 3),
        "fit_cpu_seconds": fit_cpu,
    }


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    texts, labels = read_rows(options["data"], options["text"], options["label"])
    fraction = options["train_fraction"]
    if not 0 < fraction < 1:
        raise CommandError("--train-fraction must be between 0 and 1")
    seeds = [int(s) for s in options["seeds"].split(",") if s.strip()] or [options["seed"]]
    started = time.perf_counter()
    with throwaway_database():
        name, vectors = embed(options["embedder"], texts, options.get("cache"))
    embedded = time.perf_counter()
    per_seed = [
        one_seed(texts, labels, vectors, fraction, s)
        for s in tqdm(seeds, desc="seeds", file=sys.stderr)
    ]
    result: dict[str, Any] = {
        key: round(float(np.mean([r[key] for r in per_seed])), 4) for key in per_seed[0]
    }
    result.update(
        data=str(options["data"]),
        label=options["label"],
        rows=len(texts),
        classes=len(set(labels)),
        train_fraction=fraction,
        seeds=seeds,
        per_seed=per_seed,
        embedder=name,
        embed_seconds=round(embedded - started, 1),
        seconds=round(time.perf_counter() - started, 1),
    )
    return result
