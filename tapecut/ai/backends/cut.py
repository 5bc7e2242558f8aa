"""Cutting a text down to the tokens an encoder reads.

An encoder's cost grows faster than its input (attention is quadratic in the tokens), so the
local e5 embedder reads at most ``TAPECUT_AI_E5_MAX_TOKENS`` of a report (docs/benchmarks.md,
"Steady on a busy machine"). The cut is made on the text, by the encoder's own token count, at
the end of a word; a first word longer than the whole budget is cut between two characters,
never inside one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_SPACE = re.compile(r"\s+")


def cut_to_tokens(text: str, count: Callable[[str], int], limit: int) -> str:
    """The longest prefix of ``text`` that ``count`` gives at most ``limit`` tokens, ending
    before a space; ``text`` itself when it fits or ``limit`` is 0 (no limit).

    ``count`` must not decrease as a prefix grows (true of a tokenizer that splits on
    whitespace first, as SentencePiece does), which lets a binary search find the cut.
    """
    if limit <= 0 or count(text) <= limit:
        return text
    ends = [m.start() for m in _SPACE.finditer(text) if m.start() > 0]
    end = _last_fitting(ends, lambda i: count(text[:i]) <= limit)
    if end is not None:
        return text[:end]
    word = text[: ends[0]] if ends else text
    end = _last_fitting(range(1, len(word)), lambda i: count(word[:i]) <= limit)
    return word[:end] if end is not None else ""


def _last_fitting(ends: Sequence[int], fits: Callable[[int], bool]) -> int | None:
    """The last of the ascending ``ends`` that ``fits``, given that the ones that fit come
    first; None if none does."""
    lo, hi, best = 0, len(ends) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(ends[mid]):
            best, lo = ends[mid], mid + 1
        else:
            hi = mid - 1
    return best
