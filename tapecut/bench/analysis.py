"""``tapecut bench analysis --data CSV --n N``: the analysis stages, in bulk and one at a time.

A child process on a throwaway database (a temporary TAPECUT_VAR_DIR) stores N reports, runs
every stage over them in batches as ``tapecut analyse`` does (reports a second per stage,
``total_seconds``), then analyses ``--singles`` new reports one at a time as the worker does
(``p50_ms``/``p95_ms``, with N already stored), and reports its peak memory. Where N exceeds
the rows of the CSV, further reports are made by recombining its real sentences (every text
distinct). ``--embedder`` picks another embedder; one that must be fitted (TF-IDF) is fitted on
the N texts first, and that time is reported apart (``fit_seconds``).

``--fill-vectors sentences`` makes a large N affordable with a slow embedder: the stored reports
get the mean of their sentences' vectors, each distinct sentence embedded once by the real
embedder (``tapecut.bench._fill_vectors``); their bulk figures then go under ``fill`` and say
nothing of the embedder's bulk rate. The new reports are analysed with the real embedder.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from tapecut import keyfile

HELP = "Analyse N reports on a throwaway database: per-stage rates, p95 of one more, memory."
_DROPPED_ENV = ("DATABASE_URL", "DATABASE_URL_FILE", "TAPECUT_STORE_DIR", "TAPECUT_VAR_DIR_FILE")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--data", required=True, type=Path, help="CSV with a text column")
    parser.add_argument("--text", default="text", help="the text column")
    parser.add_argument("--n", type=int, default=1000, help="reports to store and analyse")
    parser.add_argument("--singles", type=int, default=40, help="new reports analysed one by one")
    parser.add_argument("--embedder", default="", help="dotted path (default: the configured)")
    parser.add_argument(
        "--fill-vectors",
        choices=["sentences"],
        default=None,
        help="stored reports get the mean of their sentences' vectors (embedded once each)",
    )
    parser.add_argument("--child", action="store_true", help="(internal) measure in this process")


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    if not options["data"].is_file():
        raise CommandError(f"--data: no such file: {options['data']}")
    if options["n"] < 1 or options["singles"] < 1:
        raise CommandError("--n and --singles must be at least 1")
    if options["child"]:
        from tapecut.bench._analysis_child import measure

        return measure(options)
    return _in_child(options)


def _in_child(options: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tapecut-bench-analysis-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env["TAPECUT_VAR_DIR"] = tmp
        keyfile.ensure(Path(tmp))  # its own keys, if the caller set none
        if options["embedder"]:
            env["TAPECUT_AI_EMBEDDER"] = options["embedder"]
        cmd = [
            sys.executable, "-m", "tapecut", "bench", "analysis", "--child",
            "--data", str(options["data"]), "--text", options["text"],
            "--n", str(options["n"]), "--singles", str(options["singles"]),
        ]  # fmt: skip
        if options.get("fill_vectors"):
            cmd += ["--fill-vectors", options["fill_vectors"]]
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise CommandError(f"the benchmark process failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def read_texts(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if column not in (reader.fieldnames or []):
            raise CommandError(f"--data: no column {column!r} in {reader.fieldnames}")
        texts = [row[column].strip() for row in reader if (row[column] or "").strip()]
    if not texts:
        raise CommandError(f"--data: no text in column {column!r}")
    return list(dict.fromkeys(texts))


def make_texts(real: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` distinct texts: the real ones first, then recombinations of their sentences."""
    return recombine(real, n, seed)[0]


def recombine(
    real: list[str], n: int, seed: int = 0
) -> tuple[list[str], list[tuple[int, ...]], list[str]]:
    """``make_texts``, and what each text is made of: indices into the sentence list (the third
    item). A real text is made of its own sentences, a recombined one of those it joined."""
    sentences: list[str] = []
    parts: list[tuple[int, ...]] = []
    for t in real:
        own = [s for s in _SENTENCE.split(t) if len(s) > 3]
        parts.append(tuple(range(len(sentences), len(sentences) + len(own))))
        sentences += own
    out, parts = list(real[:n]), parts[:n]
    seen = set(out)
    rng = np.random.default_rng(seed)
    attempts = 0
    with tqdm(total=n, initial=len(out), desc="texts", file=sys.stderr) as bar:
        while len(out) < n:
            attempts += 1
            if attempts > 50 * n:
                raise CommandError("--data has too few sentences to make that many texts")
            picks = rng.integers(0, len(sentences), size=int(rng.integers(1, 4)))
            text = " ".join(sentences[i] for i in picks)
            if text not in seen:
                seen.add(text)
                out.append(text)
                parts.append(tuple(int(i) for i in picks))
                bar.update(1)
    return out, parts, sentences


def stage_rates(seconds: dict[str, float], n: int) -> dict[str, float]:
    return {name: round(n / s, 1) if s > 0 else 0.0 for name, s in seconds.items()}


class StageClock:
    """Adds up the seconds each stage took over all batches."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def __call__(self, name: str, seconds: float) -> None:
        self.seconds[name] += seconds


def elapsed_since(start: float) -> float:
    return round(time.perf_counter() - start, 2)
