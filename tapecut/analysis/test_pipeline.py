"""The pipeline on the fake embedder: every stage fills its part of the analysis."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from tapecut.ai import registry
from tapecut.analysis import actions
from tapecut.analysis.factories import make_report
from tapecut.analysis.models import DuplicateLink, LshBand, ReportAnalysis, Theme
from tapecut.analysis.stages_config import stages
from tapecut.core.models import AuditEvent, Job
from tapecut.intake.models import FollowUp, Report
from tapecut.intake.signals import followup_created, reports_created

pytestmark = pytest.mark.django_db

TRAVEL = "Every travel request needs three signatures. It costs me 2 hours per week."


def analyse(report: Report) -> ReportAnalysis:
    return actions.do_analyse_report(Report.objects.select_related("reporter").get(pk=report.pk))


def test_every_stage_fills_the_analysis() -> None:
    report = make_report(
        TRAVEL + "\n\nBest regards,\nMax Mustermann",
        subject="Travel",
        name="Max Mustermann",
        address="max@corp.example",
    )
    a = analyse(report)
    assert a.state == "done" and a.analysed_at is not None
    assert a.language == "en"
    assert "Mustermann" not in a.redacted_text and a.redactions["name"] >= 1
    assert a.hours_per_year == 92.0 and a.impact["evidence"][0]["text"] == "2 hours"
    assert a.embedding is not None
    vec = np.frombuffer(bytes(a.embedding), dtype=np.float32)
    assert vec.shape == (64,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5
    assert a.embedder == "fake-hash-64"
    assert a.category is not None and a.category.slug == "travel"
    assert a.theme is not None and a.theme.report_count == 1 and a.theme.hours_per_year == 92.0
    assert LshBand.objects.filter(report=report).count() == 16
    assert AuditEvent.objects.filter(verb="report.analysed", object_id=str(report.pk)).exists()


def test_models_see_only_the_redacted_text() -> None:
    report = make_report(
        "Ruf mich an: 0171 2345678, max@corp.example. Gruß\nMax Mustermann",
        name="Max Mustermann",
        address="max@corp.example",
    )
    analyse(report)
    embedder: Any = registry.get_embedder()
    seen = " ".join(t for texts, _ctx in embedder.calls for t in texts)
    for secret in ("2345678", "max@corp.example", "Mustermann"):
        assert secret not in seen


def test_identical_report_merges_itself_and_can_be_unmerged() -> None:
    first = make_report(TRAVEL)
    analyse(first)
    second = make_report(TRAVEL)
    analyse(second)
    link = DuplicateLink.objects.get(report=second)
    assert (link.original_id, link.state, link.kind) == (first.pk, "merged", "lexical")
    assert "automatically" in link.reason and "the same numbers" in link.reason
    second.refresh_from_db()
    assert second.status == Report.Status.MERGED
    actions.do_unmerge(link, reason="Different trips")
    second.refresh_from_db()
    link.refresh_from_db()
    assert second.status == Report.Status.NEW and link.state == "unmerged"
    assert "Merged automatically" in link.reason and "Different trips" in link.reason
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"report.merged", "report.unmerged"} <= verbs
    analyse(second)  # analysing again does not merge what a person unmerged
    link.refresh_from_db()
    assert link.state == "unmerged"


def test_different_numbers_are_suggested_not_merged(settings: Any) -> None:
    settings.TAPECUT_SUGGEST_THRESHOLD = 0.5
    first = make_report(
        "Die Strassenlaterne Nummer 18 in der Steinstrasse ist seit gestern defekt."
    )
    analyse(first)
    second = make_report(
        "Die Strassenlaterne Nummer 19 in der Steinstrasse ist seit gestern defekt."
    )
    analyse(second)
    link = DuplicateLink.objects.get(report=second)
    assert link.state == "suggested" and link.original_id == first.pk
    assert 0.5 <= link.score < 1.0 and "different numbers" in link.reason


def test_unrelated_reports_are_not_linked() -> None:
    analyse(make_report("The printer on floor three has had no toner for a week."))
    analyse(make_report("Urlaubsanträge müssen ausgedruckt und unterschrieben werden."))
    assert not DuplicateLink.objects.exists()


def test_a_batch_finds_duplicates_within_itself() -> None:
    reports = [make_report(TRAVEL) for _ in range(3)] + [make_report("Kaffeemaschine kaputt.")]
    assert actions.do_analyse_all(Report.objects.all()) == 4
    merged = DuplicateLink.objects.filter(state="merged")
    assert merged.count() == 2
    assert set(merged.values_list("original_id", flat=True)) == {reports[0].pk}


def test_signal_enqueues_a_job_and_the_job_analyses() -> None:
    report = make_report(TRAVEL)
    reports_created.send(Report, reports=[report], trees={})
    job = Job.objects.get(kind=actions.ANALYSE_JOB)
    assert job.key == f"analyse:{report.pk}"
    from tapecut.core.jobs import run_pending

    assert run_pending([actions.ANALYSE_JOB]) == 1
    assert ReportAnalysis.objects.get(report=report).state == "done"


def test_follow_up_words_are_analysed_with_the_report() -> None:
    report = make_report("The expense form is a pain.")
    analyse(report)
    assert ReportAnalysis.objects.get(report=report).hours_per_year is None
    followup = FollowUp.objects.create(
        report=report, text="It costs me 30 minutes every day.", created_at=report.received_at
    )
    followup_created.send(FollowUp, followup=followup)
    from tapecut.core.jobs import run_pending

    run_pending([actions.ANALYSE_JOB])
    assert ReportAnalysis.objects.get(report=report).hours_per_year == 110.0


def test_skipped_stages_do_nothing(settings: Any) -> None:
    settings.TAPECUT_ANALYSIS_SKIP = ["embedding", "duplicates", "themes", "category"]
    a = analyse(make_report(TRAVEL))
    assert a.embedding is None and a.theme is None and a.category is None
    assert a.hours_per_year == 92.0 and not DuplicateLink.objects.exists()


def test_unknown_skipped_stage_is_a_clear_error(settings: Any) -> None:
    settings.TAPECUT_ANALYSIS_SKIP = ["spelling"]
    with pytest.raises(ValueError, match="spelling"):
        stages()


def test_analyse_command_only_new_then_all() -> None:
    analyse(make_report(TRAVEL))
    make_report("Kaffeemaschine kaputt.")
    call_command("analyse")
    assert ReportAnalysis.objects.filter(state="done").count() == 2
    call_command("analyse", "--all", "--recluster")
    assert AuditEvent.objects.filter(verb="themes.reclustered").exists()
    assert Theme.objects.exists()


def test_another_workers_index_catches_up_and_rebuilds_after_deletions() -> None:
    from tapecut.analysis.ann import VectorIndex

    first = make_report(TRAVEL)
    analyse(first)
    analyse(make_report("Der Drucker im dritten Stock hat keinen Toner."))
    name = stages().embedder.name
    other = VectorIndex()  # as in a second worker process
    other.refresh(name, 64)
    assert len(other.index) == 2
    third = make_report("Urlaubsanträge müssen ausgedruckt werden.")
    a = analyse(third)
    other.refresh(name, 64)
    assert len(other.index) == 3
    vec = np.frombuffer(bytes(a.embedding or b""), dtype=np.float32)
    assert other.search(vec[None, :], 1)[0][0].report_id == third.pk
    first.delete()
    other.refresh(name, 64)
    assert len(other.index) == 2
