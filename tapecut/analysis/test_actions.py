"""Merging by hand, rejecting, and corrections that teach the classifier."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tapecut.analysis import actions
from tapecut.analysis.factories import make_report
from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis
from tapecut.core.jobs import run_pending
from tapecut.core.models import AuditEvent, Job
from tapecut.intake.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def triager() -> Any:
    return get_user_model().objects.create_user("triager", password="a long password 123")


def test_manual_merge_is_audited_and_undone(triager: Any) -> None:
    a, b = make_report("Form A"), make_report("Form B")
    Report.objects.filter(pk=b.pk).update(status=Report.Status.OPEN)
    link = actions.do_merge_reports(b, a, actor=triager, reason="same form")
    assert (link.kind, link.state, link.decided_by) == ("manual", "merged", triager)
    assert link.reason == "Merged by hand: same form"
    event = AuditEvent.objects.get(verb="report.merged")
    assert event.actor == triager and event.detail["original"] == a.pk
    actions.do_unmerge(link, actor=triager, reason="not the same")
    b.refresh_from_db()
    assert b.status == Report.Status.OPEN


def test_merge_errors_are_clear(triager: Any) -> None:
    a, b, c = make_report("A"), make_report("B"), make_report("C")
    with pytest.raises(actions.AnalysisError, match="itself"):
        actions.do_merge_reports(a, a, actor=triager)
    link = actions.do_merge_reports(c, a, actor=triager)
    with pytest.raises(actions.AnalysisError, match="already merged"):
        actions.do_merge_reports(c, b, actor=triager)
    with pytest.raises(actions.AnalysisError, match="reason"):
        actions.do_unmerge(link, actor=triager, reason=" ")
    with pytest.raises(actions.AnalysisError, match="unmerge"):
        actions.do_reject_duplicate(link, actor=triager)


def test_rejected_suggestion_stays_rejected(triager: Any) -> None:
    a, b = make_report("A"), make_report("B")
    link = DuplicateLink.objects.create(report=b, original=a, kind="semantic", score=0.8)
    actions.do_reject_duplicate(link, actor=triager, reason="different teams")
    link.refresh_from_db()
    assert link.state == "rejected" and "different teams" in link.reason


def test_corrections_train_the_classifier(triager: Any) -> None:
    tools = Category.objects.get(slug="tools")
    access = Category.objects.get(slug="access")
    # Words no category description uses: only the corrections can teach them.
    examples = {
        tools: ["Zorblax crashes again", "Zorblax is so slow today", "Zorblax froze twice"],
        access: ["Quibbet card rejected", "Quibbet card expired again", "no Quibbet card yet"],
    }
    reports = {}
    for cat, texts in examples.items():
        for text in texts:
            report = make_report(text)
            actions.do_analyse_report(report)
            actions.do_correct_category(report, cat, actor=triager)
            reports[text] = report
    assert Job.objects.filter(kind=actions.RECLASSIFY_JOB).count() == 1
    a = ReportAnalysis.objects.get(report=reports["Zorblax crashes again"])
    assert a.category_confirmed_by == triager and a.category_confidence == 1.0
    new = make_report("Zorblax crashes when I print")
    assert actions.do_analyse_report(new).category == tools
    other = make_report("My Quibbet card does not open the door")
    assert actions.do_analyse_report(other).category == access
    assert AuditEvent.objects.filter(verb="report.category").count() == 6


def test_reclassify_job_keeps_corrections(triager: Any) -> None:
    other = Category.objects.get(slug="other")
    report = make_report("Every travel request needs three signatures.")
    actions.do_analyse_report(report)
    actions.do_correct_category(report, other, actor=triager)
    Job.objects.update(run_after="2000-01-01T00:00:00Z")
    assert run_pending([actions.RECLASSIFY_JOB]) == 1
    assert ReportAnalysis.objects.get(report=report).category == other


def test_inactive_category_is_refused(triager: Any) -> None:
    cat = Category.objects.create(slug="old", name_en="Old", active=False)
    with pytest.raises(actions.AnalysisError, match="not active"):
        actions.do_correct_category(make_report("x"), cat, actor=triager)
