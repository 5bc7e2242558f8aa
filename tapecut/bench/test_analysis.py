"""``tapecut bench analysis``: the recombined texts and ``--fill-vectors sentences``, on the fake
embedder and a few made-up reports (the real e5 run is in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tapecut.ai.backends.fake import FakeEmbedder
from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages import embedding
from tapecut.analysis.stages.redaction import LayeredRedactor
from tapecut.analysis.testing import FAKE_EMBEDDER, fake_ai, forget_caches  # noqa: F401
from tapecut.bench import _fill_vectors, analysis
from tapecut.intake.models import Report

FAKE = FAKE_EMBEDDER
REAL = [
    "Die Laterne in der Seestrasse ist aus. Seit drei Wochen schon.",
    "Am Spielplatz liegt Glas im Sand. Bitte wegraeumen!",
    "Der Gehweg hat ein tiefes Loch. Rufen Sie mich an: 07531 123456.",
    "Muell neben dem Container am Bahnhof. Es stinkt. Ratten gesehen.",
    "Die Ampel an der Kreuzung schaltet nicht mehr auf Gruen.",
    "Ein Fahrrad steht seit Monaten am Zaun. Es ist verrostet. Bitte abholen.",
]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def test_recombine_says_which_sentences_make_each_text() -> None:
    texts, parts, sentences = analysis.recombine(REAL, 40, seed=3)
    assert texts == analysis.make_texts(REAL, 40, seed=3)
    assert len(texts) == len(set(texts)) == len(parts) == 40
    for text, own in zip(texts[: len(REAL)], parts, strict=False):
        assert own and " ".join(sentences[i] for i in own) == text
    for text, own in zip(texts[len(REAL) :], parts[len(REAL) :], strict=True):
        assert 1 <= len(own) <= 3 and " ".join(sentences[i] for i in own) == text


def test_the_stand_in_answers_a_mean_and_hands_the_rest_to_the_real_embedder() -> None:
    real = FakeEmbedder()
    sentences = ["Die Laterne ist aus.", "Seit drei Wochen schon.", "Glas im Sand."]
    fill = _fill_vectors.Fill(real, real.embed(sentences, _ctx()), {"stored": (0, 1)})
    _fill_vectors.SentenceMeanEmbedder.current = fill
    try:
        stand_in = _fill_vectors.SentenceMeanEmbedder()
    finally:
        _fill_vectors.SentenceMeanEmbedder.current = None
    assert (stand_in.name, stand_in.dim) == (real.name, real.dim)
    real.calls.clear()
    out = stand_in.embed(["stored", "a new text"], _ctx())
    mean = _unit(real.embed(sentences[:2], _ctx()).mean(axis=0))
    np.testing.assert_allclose(out[0], mean, atol=1e-6)
    np.testing.assert_allclose(out[1], real.embed(["a new text"], _ctx())[0], atol=1e-6)
    assert real.calls[0][0] == ["a new text"]  # the stored text never reached the embedder
    assert (fill.looked_up, fill.passed) == (1, 1)


def test_the_stand_in_exists_only_during_a_fill() -> None:
    with pytest.raises(Exception, match="fill-vectors"):
        _fill_vectors.SentenceMeanEmbedder()


@pytest.mark.django_db
def test_fill_by_sentences_stores_means_and_new_reports_use_the_real_embedder(
    tmp_path: Path,
) -> None:
    data = tmp_path / "reports.csv"
    data.write_text("text\n" + "".join(f'"{t}"\n' for t in REAL), encoding="utf-8")
    options = {"data": data, "text": "text", "n": 30, "singles": 3, "child": True}
    result = analysis.run({**options, "embedder": "", "fill_vectors": "sentences"}, None)

    assert result["embedder"] == "fake-hash-64" and result["singles_embedder"] == FAKE
    assert "mean of fake-hash-64 vectors" in result["fill_vectors"]
    assert result["fill"]["vectors_looked_up"] == 30 and "total_seconds" not in result
    assert result["singles"] == 3 and result["p95_ms"] > 0
    assert {"embedding", "duplicates", "save"} <= set(result["single_stage_ms"]["p95"])
    # 30 stored, a warm-up, 3 timed, 3 more timed stage by stage.
    texts, parts, sentences = analysis.recombine(REAL, 37)
    real, redactor = FakeEmbedder(), LayeredRedactor()
    rows = ReportAnalysis.objects.select_related("report").order_by("report_id")
    assert [a.report.text for a in rows] == texts
    assert {a.embedder for a in rows} == {"fake-hash-64"}
    for a, own in zip(rows[:30], parts, strict=False):
        said = real.embed([redactor.redact(sentences[i]).text for i in own], _ctx())
        np.testing.assert_allclose(_vector(a), _unit(said.mean(axis=0)), atol=1e-6)
    assert any(len(own) > 1 for own in parts[30:])
    for a, own in zip(rows[30:], parts[30:], strict=True):
        np.testing.assert_allclose(_vector(a), real.embed([a.redacted_text], _ctx())[0], atol=1e-6)
        if len(own) > 1:  # a mean of its sentences would have been another vector
            said = real.embed([sentences[i] for i in own], _ctx())
            assert not np.allclose(_vector(a), _unit(said.mean(axis=0)), atol=1e-3)
    assert Report.objects.count() == 37


def _vector(a: ReportAnalysis) -> np.ndarray:
    vec = embedding.from_bytes(a.embedding)
    assert vec is not None
    return vec


def _ctx() -> Any:
    from tapecut.ai.base import CallContext

    return CallContext(purpose="embedding")
