import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tapecut.evals import similarity

FAKE = "tapecut.ai.backends.fake.FakeEmbedder"
ROWS = [
    ("Der Antrag braucht drei Stempel", "Der Antrag braucht drei Stempel!", "5.0"),
    ("Der Antrag braucht drei Stempel", "Antrag braucht Stempel", "3.5"),
    ("Die Kantine ist geschlossen", "Antrag braucht Stempel", "0.2"),
    ("Laterne defekt", "Die Laterne ist defekt", "4.5"),
    ("Laterne defekt", "Parkausweis beantragen", "0.0"),
]


def write_pairs(tmp_path, rows, extra=""):
    path = tmp_path / "pairs.csv"
    lines = [",".join(f'"{cell}"' for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_eval_prints_one_json_line_with_the_score(tmp_path):
    path = write_pairs(tmp_path, ROWS, extra="only,two\nbad,row,not-a-number\n")
    out = StringIO()
    call_command("eval", "similarity", "--pairs", str(path), "--embedder", FAKE, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])

    assert result["embedder"] == "fake-hash-64" and result["pairs"] == 5
    assert result["skipped_rows"] == 2
    assert result["spearman"] > 0.5  # the fake still ranks shared words as similar
    assert {"seconds", "sentences_per_second", "dim"} <= set(result)


@pytest.mark.django_db
def test_a_fittable_embedder_is_fitted_on_the_pairs_without_saving(tmp_path, settings):
    settings.TAPECUT_AI_MODEL_DIR = tmp_path / "models"
    path = write_pairs(tmp_path, ROWS)
    result = similarity.run(
        {"pairs": str(path), "embedder": "tapecut.ai.backends.tfidf.TfidfEmbedder"}, StringIO()
    )
    assert result["embedder"].startswith("tfidf-svd") and -1 <= result["spearman"] <= 1
    assert not (tmp_path / "models").exists()


def test_unusable_input_is_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        similarity.read_pairs(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="fewer than two"):
        similarity.read_pairs(write_pairs(tmp_path, ROWS[:1]))
    pairs, skipped = similarity.read_pairs(write_pairs(tmp_path, ROWS), limit=3)
    assert len(pairs) == 3 and skipped == 0
