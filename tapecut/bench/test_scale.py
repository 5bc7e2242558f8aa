"""``tapecut bench scale``: the fill it serves and the CPU meter it reads (wrk itself is not run:
CI does not install it; see scripts/install-bench-deps.sh)."""

from __future__ import annotations

import os
import random
import time

import pytest
from django.conf import settings
from django.test import Client

from tapecut.analysis.models import ReportAnalysis
from tapecut.bench import _scale_fill, scale
from tapecut.intake.models import Report
from tapecut.triage.models import Change, Notice


def test_report_texts_are_all_different() -> None:
    sentences = [f"Sentence {i} about a form that needs a stamp." for i in range(30)]
    texts = _scale_fill.report_texts(2000, sentences, random.Random(2))
    assert len(texts) == len(set(texts)) == 2000


@pytest.mark.django_db
def test_the_fill_gives_pages_something_real_to_show() -> None:
    filled = _scale_fill.fill(300, seed=5)
    counts = filled["counts"]
    assert counts["reports"] == Report.objects.count() == 300
    assert ReportAnalysis.objects.filter(state="done").count() == 300
    assert Change.objects.filter(status="done").exists()
    assert Notice.objects.count() == counts["notices"] > 0
    # The sessions handed to the load tool are logged in, each as its own user.
    for role, path in (("triager", "/inbox/"), ("leader", "/insights/")):
        keys = filled["sessions"][role]
        assert len(set(keys)) == _scale_fill.USERS_PER_ROLE
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = keys[0]
        assert client.get(path).status_code == 200


def test_cpu_meter_counts_this_process() -> None:
    before = scale.tree_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert scale.tree_cpu_seconds(os.getpid()) - before >= 0.2


def test_the_wrk_script_has_every_session_and_prints_one_json_line() -> None:
    script = scale.WRK_SCRIPT % ", ".join(f'"{k}"' for k in ["aaa", "bbb"])
    assert 'local sessions = {"aaa", "bbb"}' in script
    assert "latency:percentile(95)" in script
    assert "%%" not in script and "WRK {" in script


def test_without_the_shared_data_the_demo_mailbox_is_used(monkeypatch, tmp_path) -> None:
    from tapecut.bench import _sentences

    monkeypatch.setattr(_sentences, "SHARED", tmp_path / "absent")
    corpus = _sentences.load()
    assert corpus.source.startswith("demo mailbox")
    assert "absent" in corpus.source
    assert len(corpus.sentences) > 50
    assert len(set(corpus.sentences)) == len(corpus.sentences)
