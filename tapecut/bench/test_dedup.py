"""``tapecut bench dedup``: its vectorised candidate rule, its metrics and a small real run."""

from __future__ import annotations

import io
import random

import numpy as np

from tapecut.analysis.stages import lexical
from tapecut.analysis.text import jaccard, shingles
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


# Two reports that share one long sentence and little else. Their 64-permutation estimate
# (0.5) reaches the threshold, their exact Jaccard (0.41) does not.
SHARED = (
    "Fuer die Verlaengerung des Anwohnerparkausweises musste ich das Formular dreimal "
    "ausdrucken, unterschreiben und persoenlich im Buergerbuero am Marktplatz abgeben."
)
APART = (
    f"{SHARED} Die Antwort kam erst nach sechs Wochen. Eine Eingangsbestaetigung gab es nicht. "
    "Niemand am Telefon wusste, wer zustaendig ist. Vorgang 916.",
    "Die Gebuehr war nur bar zu bezahlen. Online ging es nicht, weil das Portal nur "
    f"Faxnummern annimmt. Akte 115. {SHARED}",
)
# And two whose estimate (0.47) falls short of it while their exact Jaccard (0.56) reaches it.
TOGETHER = (
    f"{SHARED} Mein Nachbar hat dasselbe erlebt. Eine Eingangsbestaetigung gab es nicht. "
    "Vorgang 518.",
    f"Bitte schaffen Sie diese Schleife ab. {SHARED}",
)


def _estimate_and_exact(texts: tuple[str, str]) -> tuple[float, float]:
    sets = [shingles(t) for t in texts]
    sigs = lexical.signatures(sets)
    return float((sigs[0] == sigs[1]).mean()), jaccard(sets[0], sets[1])


def test_a_pair_estimated_over_the_threshold_but_below_it_exactly_is_not_grouped() -> None:
    estimate, exact = _estimate_and_exact(APART)
    band = dedup.recheck_band(0.5)
    assert 0.5 <= estimate < 0.5 + band, "the case needs an estimate just over the threshold"
    assert exact < 0.45
    grouping = dedup.group_tapecut(list(APART), 0.5)
    assert grouping.info["candidate_pairs"] == 1  # LSH proposed the pair
    assert grouping.estimate_only[0] == grouping.estimate_only[1]  # the estimate alone merges
    assert grouping.info["rechecked_pairs"] == 1
    assert grouping.info["recheck_kept"] == 0
    assert grouping.labels[0] != grouping.labels[1]


def test_a_pair_estimated_under_the_threshold_but_over_it_exactly_is_grouped() -> None:
    estimate, exact = _estimate_and_exact(TOGETHER)
    assert 0.5 - dedup.recheck_band(0.5) <= estimate < 0.5 <= exact
    grouping = dedup.group_tapecut(list(TOGETHER), 0.5)
    assert grouping.info["candidate_pairs"] == 1
    assert grouping.estimate_only[0] != grouping.estimate_only[1]
    assert grouping.info["recheck_kept"] == 1
    assert grouping.labels[0] == grouping.labels[1]


def test_the_estimate_decides_outside_the_band_and_groups_are_not_rechecked() -> None:
    texts = [
        "Das Formular muss dreimal unterschrieben werden.",
        "Die Gebuehr ist nur bar zu bezahlen.",
        "Der Termin wurde zweimal verschoben.",
        "Das Formular muss dreimal unterschrieben werden.",
        "Niemand wusste, wer zustaendig ist.",
    ]
    pairs = np.array([[1, 0], [2, 1], [2, 0], [3, 0], [4, 3]])
    # 1-0 sure although unrelated; 2-1 sure; 2-0 near but already in one group; 3-0 far below
    # although identical; 4-3 near and unrelated.
    estimated = np.array([0.9, 0.7, 0.55, 0.2, 0.55])
    timers = {"components": dedup.Timed(), "recheck": dedup.Timed()}
    labels, counts = dedup.settle(texts, pairs, estimated, 0.5, timers)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4]}) == 3
    assert counts["sure_pairs"] == 2
    assert counts["near_pairs"] == 2
    assert counts["rechecked_pairs"] == 1  # only 4-3: 2-0 would join nothing new
    assert counts["recheck_kept"] == 0
    assert dedup.recheck_band(0.5) == 2.5 * 0.0625


def test_pairwise_precision_and_recall() -> None:
    truth = np.array([0, 0, 0, 1, 1, 2])
    # One true pair of group 0 is missed (report 2 alone), and 5 is wrongly put with group 1.
    found = np.array([7, 7, 8, 9, 9, 9])
    scores = dedup.pairwise(truth, found)
    # True pairs: 3 + 1 = 4; found pairs: 1 + 3 = 4; right: (0,1) and (3,4) = 2.
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.5
    assert scores["false_pairs"] == 2  # (3,5) and (4,5)
    assert scores["missed_pairs"] == 2  # (0,2) and (1,2)
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
    before = result["tapecut"]["estimate_only"]
    assert result["tapecut"]["distinct_grouped"] <= before["distinct_grouped"]
    assert result["tapecut"]["rechecked_pairs"] <= result["tapecut"]["near_pairs"]
    assert set(result["tapecut"]) >= {"signatures", "estimate", "recheck", "components"}
    assert 0 < result["datasketch"]["recall"] <= 1
    assert result["speedup_cpu"] > 0
