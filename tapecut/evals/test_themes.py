import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tapecut.evals import themes

FAKE = "tapecut.ai.backends.fake.FakeEmbedder"
TOPICS = {
    "travel": "Every travel request needs three signatures from the head of unit",
    "printer": "Der Drucker im dritten Stock hat schon wieder keinen Toner mehr",
    "canteen": "The canteen closes at one o'clock although the late shift starts then",
}


def write_rows(tmp_path):
    path = tmp_path / "themes.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["text", "label", "pair", "lang"])
        for label, text in TOPICS.items():
            for n in range(6):  # the same text twice: a pair that must share a theme
                out.writerow([f"{text} ({n})", label, f"{label}{n}", "en"])
                out.writerow([f"{text} ({n})!", label, f"{label}{n}", "de"])
    return path


@pytest.mark.django_db(transaction=True)
def test_the_eval_runs_the_product_and_prints_the_scores_last(tmp_path, settings):
    settings.TAPECUT_AI_EMBEDDER = FAKE
    out = StringIO()
    cache = tmp_path / "cache"
    call_command(
        "eval", "themes", "--data", str(write_rows(tmp_path)), "--cache", str(cache), stdout=out
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"nmi", "ari", "pairs_together", "unassigned", "themes", "seconds"} <= set(result)
    assert {"baseline_nmi", "baseline_ari", "assign_nmi"} <= set(result)
    assert result["texts"] == 36 and result["nmi"] > 0.9 and result["pairs_together"] == 1.0
    assert list(cache.glob("texts-*.npz"))  # embeddings kept for the next run


def test_absent_data_is_said_clearly(tmp_path):
    options = {"text": "text", "label": "label", "pair": "pair", "lang": "lang"}
    with pytest.raises(CommandError, match="no such file"):
        themes.read_rows(tmp_path / "missing.csv", options)
    path = tmp_path / "x.csv"
    path.write_text("body,label\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column"):
        themes.read_rows(path, options)
