"""Theme titles without a model: the line a person would write, taken from a report.

A theme's title comes from its most representative report (the one nearest the theme's
centre): the report's subject when it has a usable one, else its key sentence (the one that
carries most of the theme's keywords), shortened at a word boundary. One title per language
the theme has reports in, so that each reader sees one in their language where there is one.
Keywords stay beside the title as secondary information.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

MAX_CHARS = 80
MIN_WORDS = 3
PREFIX = re.compile(r"^\s*((re|aw|wg|fw|fwd|sv|vs|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)
SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
WORD = re.compile(r"\w+", re.U)


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    text = " ".join(text.split()).strip(" -–—:;,")
    if len(text) <= limit:
        return text.rstrip(".")
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return f"{cut}…"


def _usable(line: str) -> bool:
    """A line that says something: not a greeting ("Hallo,", "Dear team:") nor a stub."""
    line = line.strip()
    return len(WORD.findall(line)) >= MIN_WORDS and not line.endswith((",", ":"))


def title_from_text(text: str, keywords: Sequence[str] = ()) -> str:
    """The subject line if it is one (the first short paragraph), else the key sentence."""
    paragraphs = [PREFIX.sub("", p).strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    if not paragraphs:
        return ""
    first = paragraphs[0]
    if "\n" not in first and len(first) <= 100 and _usable(first):
        return shorten(first)
    sentences = [s for p in paragraphs for s in SENTENCE.split(p) if _usable(s)][:12]
    if not sentences:
        return shorten(first)
    wanted = {k.lower() for k in keywords}
    scores = [len(wanted & {w.lower() for w in WORD.findall(s)}) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    return shorten(sentences[best])


def representative_titles(
    vectors: np.ndarray,
    centroid: np.ndarray | None,
    texts: Sequence[str],
    languages: Sequence[str],
    keywords: Sequence[str] = (),
) -> dict[str, str]:
    """A title per language, from the report nearest ``centroid`` among that language's."""
    if not len(texts):
        return {}
    if centroid is not None and len(vectors) == len(texts) and vectors.shape[1] == len(centroid):
        closeness = vectors @ centroid
    else:
        closeness = np.zeros(len(texts))
    out: dict[str, str] = {}
    for lang in dict.fromkeys(languages):
        rows = [i for i, other in enumerate(languages) if other == lang]
        best = max(rows, key=lambda i: (float(closeness[i]), -i))
        title = title_from_text(texts[best], keywords)
        if title:
            out[lang] = title
    return out
