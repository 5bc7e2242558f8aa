"""MinHash signatures from shingle lists equal those from shingle sets."""

from __future__ import annotations

import numpy as np

from tapecut.analysis.stages import lexical
from tapecut.analysis.text import shingle_list, shingles

TEXTS = [
    "Drei Unterschriften für eine Taxiquittung, jedes Mal, jede Woche.",
    "Three signatures for a taxi receipt, every single time, every week.",
    "abc",
    "",
    "aaaaaaaaaaaaaaaaaaaa",  # many repeats of one shingle
]


def test_lists_keep_every_shingle_and_only_those():
    for text in TEXTS:
        listed = shingle_list(text)
        assert set(listed) == shingles(text)
        assert len(listed) >= len(shingles(text))


def test_signatures_of_lists_equal_those_of_sets():
    from_sets = lexical.signatures([shingles(t) for t in TEXTS])
    from_lists = lexical.signatures([shingle_list(t) for t in TEXTS])
    assert np.array_equal(from_sets, from_lists)
    assert not from_lists[3].any()  # an empty text: a row of zeros
    assert from_lists[0].any() and not np.array_equal(from_lists[0], from_lists[1])
