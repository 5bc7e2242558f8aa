"""Real sentences to build benchmark reports from: ``../shared/data``, or the demo mailbox.

The shared data (citizen reports, sentence-pair sets, bug reports, real e-mail bodies) lives
beside the project and is never copied into it. Where it is absent, the demo mailbox's own texts
stand in, and the benchmarks say so in their output.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
MIN_CHARS, MAX_CHARS = 25, 240


@dataclass(frozen=True)
class Corpus:
    sentences: list[str]
    source: str  # "shared data at …" or "demo mailbox (…)"


def load(*, with_email: bool = True) -> Corpus:
    """Distinct sentences from the shared data, else from the demo mailbox."""
    if SHARED.is_dir():
        texts = [*_csv_texts(), *(_email_texts() if with_email else [])]
        source = f"shared data at {SHARED}"
    else:
        from tapecut.demo.corpus import load_templates

        texts = [t.body for t in load_templates()]
        source = f"demo mailbox (tapecut/demo/mail): {SHARED} is absent"
        sys.stderr.write(f"NOTE: {SHARED} not found; building reports from the demo mailbox\n")
    return Corpus(distinct_sentences(texts), source)


def distinct_sentences(texts: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for text in texts:
        for raw in _SPLIT.split(text):
            sentence = " ".join(raw.split())
            key = sentence.lower()
            if _usable(sentence) and key not in seen:
                seen.add(key)
                out.append(sentence)
    return out


def _usable(sentence: str) -> bool:
    if not MIN_CHARS <= len(sentence) <= MAX_CHARS or sentence.startswith((">", "|", "-")):
        return False
    if "://" in sentence or "@" in sentence:
        return False
    # Prose, not code, headers or stack traces.
    return len(_LETTER.findall(sentence)) >= 0.7 * len(sentence.replace(" ", ""))


def _rows(path: Path, delimiter: str = ",", header: bool = True) -> Iterator[list[str]]:
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        if header:
            next(reader, None)
        yield from reader


def _csv_texts() -> list[str]:
    texts = [row[2] for row in _rows(SHARED / "reports" / "maengelmelder-konstanz.csv")]
    pairs = SHARED / "pairs"
    # Only the first sentence of each pair: the second is a paraphrase of it.
    for path in sorted(pairs.glob("stsb-*.csv")):
        texts += [row[0] for row in _rows(path, header=False) if row]
    for path in sorted(pairs.glob("pawsx-*.tsv")):
        texts += [row[1] for row in _rows(path, delimiter="\t") if len(row) > 1]
    bugs = pairs / "gitbugs-seamonkey-bugs.csv"
    if bugs.exists():
        texts += [f"{row[0]}\n{row[-1]}" for row in _rows(bugs) if row]
    return texts


def _email_texts() -> list[str]:
    from tapecut.intake.parsing import MessageRejected, parse_message

    texts = []
    for path in sorted(p for p in (SHARED / "email").rglob("*") if p.is_file()):
        try:
            texts.append(parse_message(path.read_bytes()).text)
        except MessageRejected:
            continue
    return texts
