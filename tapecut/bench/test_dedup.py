"""``tapecut bench dedup``: its vectorised candidate rule, its metrics and a small real run."""

from __future__ import annotations

import io
import random

import numpy as np

from tapecut.analysis.stages import lexical
from tapecut.analysis.text import shingles
from tapecut.bench import _campaigns, dedup


def test_bucket_pairs_follow_the_rule_of_batch_pairs() -> None:
    rng = np.random.default_rng(3)
    # Few distinct buckets, so that many rows share them (and some share more than 8).
    hashes = rng.integers(0, 40, size=(300, lexical.BANDS)).astype(np.int64)
    empty = np.zeros(300, dtype=bool)
    empty[[5, 77]] = True
    ours = {tuple(map(int, p)) for p in dedup.bucket_pairs(hashes, empty)}
    theirs = lexical.batch_pairs(list(range(300)), hashes, empty)
    assert ours == theirs
    assert ours  # the case is not trivial


def test_unsorted_signatures_are_the_signatures_of_the_pipeline() -> None:
    sets = [shingles(t) for t in ["Das Formular muss dreimal unterschrieben werden.", "", "ab"]]
    assert (dedup.unsorted_signatures(sets) == lexical.signatures(sets)).all()


def test_pairwise_precision_and_recall() -> None:
    truth = np.array([0, 0, 0, 1, 1, 2])
    # One true pair of group 0 is missed (report 2 alone), and 5 is wrongly put with group 1.
    found = np.array([7, 7, 8, 9, 9, 9])
    scores = dedup.pairwise(truth, found)
    # True pairs: 3 + 1 = 4; found pairs: 1 + 3 = 4; right: (0,1) and (3,4) = 2.
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
    assert scores["groups"] == 3
    assert scores["distinct_grouped"] == 1  # report 5 was alone and was grouped


def test_campaign_copies_differ_but_keep_their_letter() -> None:
    sentences = [f"Satz Nummer {i} ueber ein Formular mit drei Unterschriften." for i in range(80)]
    data = _campaigns.generate(400, sentences, random.Random(1), campaigns=4, share=0.5)
    assert len(data.texts) == 400 == len(data.truth)
    copies = [t for t, g in zip(data.texts, data.truth, strict=True) if g == 0]
    assert len(copies) > 10 and len(set(copies)) == len(copies)
    assert (data.truth >= 4).sum() == 200  # the distinct reports are their own groups
    assert len(set(data.truth[data.truth >= 4])) == 200


def test_a_small_run_finds_the_campaigns_and_compares_with_datasketch() -> None:
    options = {
        "reports": 600,
        "campaigns": 3,
        "campaign_share": 0.3,
        "max_edits": 6,
        "threshold": 0.5,
        "seed": 7,
        "json": True,
    }
    result = dedup.run(options, io.StringIO())
    assert result["reports"] == 600
    assert result["tapecut"]["recall"] >= 0.9
    assert result["tapecut"]["precision"] >= 0.95
    assert 0 < result["datasketch"]["recall"] <= 1
    assert result["speedup_cpu"] > 0
