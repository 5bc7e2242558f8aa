"""Small pure text helpers shared by the stages: normalising, words, shingles."""

from __future__ import annotations

import re

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")
SHINGLE = 5


def fold(text: str) -> str:
    """Lower case with umlauts spelt out: reports write "Straße" and "Strasse" alike."""
    return text.lower().translate(_UMLAUTS)


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Folded words of two letters or more (no digits)."""
    return _WORD.findall(fold(text))


def numbers(text: str) -> frozenset[str]:
    """The numbers in a text: two reports about lamp 18 and lamp 20 are not duplicates."""
    return frozenset(n.lstrip("0") or "0" for n in _NUMBER.findall(text))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Character shingles of the folded, squashed text (robust to typos and word endings)."""
    flat = squash(fold(text))
    if len(flat) <= size:
        return {flat} if flat else set()
    return {flat[i : i + size] for i in range(len(flat) - size + 1)}


def shingle_list(text: str, size: int = SHINGLE) -> list[str]:
    """The same shingles as ``shingles``, repeats kept: enough for MinHash (a minimum does
    not care about repeats) and half the cost, with no set to build and copy."""
    flat = squash(fold(text))
    if len(flat) <= size:
        return [flat] if flat else []
    return [flat[i : i + size] for i in range(len(flat) - size + 1)]


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
