"""Every write in analysis goes through these ``do_*`` functions (which write the audit trail)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tapecut.analysis import pipeline
from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis
from tapecut.analysis.recluster import ReclusterResult, recluster
from tapecut.analysis.stages.duplicates import Candidate
from tapecut.analysis.stages_config import Stages, stages
from tapecut.core import audit, jobs
from tapecut.core.tasks import enqueue_many, job_task
from tapecut.intake.models import Report

log = logging.getLogger(__name__)

ANALYSE_JOB = "analysis.report"
RECLASSIFY_JOB = "analysis.reclassify"
RECLUSTER_JOB = "analysis.recluster"
# Corrections come in bursts while the team triages: re-predict once the burst is over.
RECLASSIFY_DELAY = 30.0


class AnalysisError(ValueError):
    """A request that cannot be carried out as asked (a clear message for the person)."""


def enqueue_analysis(report_id: int) -> None:
    analyse_report_task.enqueue(report_id=report_id)


def enqueue_analyses(report_ids: list[int]) -> None:
    """``enqueue_analysis`` for many reports in one statement."""
    enqueue_many(analyse_report_task, [{"report_id": pk} for pk in report_ids])


def do_analyse_report(report: Report, *, chosen: Stages | None = None) -> ReportAnalysis:
    """Run every stage on one report (again, if it was analysed before)."""
    works = pipeline.analyse_reports([report], chosen)
    analysis = works[0].analysis
    audit.record(
        "report.analysed",
        report,
        language=analysis.language,
        category=analysis.category_id,
        theme=analysis.theme_id,
        hours_per_year=analysis.hours_per_year,
        redactions=analysis.redactions,
    )
    return analysis


def do_analyse_all(
    queryset: Any = None, *, chosen: Stages | None = None, progress: Any = None
) -> int:
    """Analyse many reports in batches (``tapecut analyse``); one audit event for the run."""
    qs = queryset if queryset is not None else Report.objects.all()
    count = 0
    for batch in pipeline.batches(qs):
        pipeline.analyse_reports(batch, chosen)
        count += len(batch)
        if progress is not None:
            progress(len(batch))
    audit.record("analysis.bulk", None, reports=count)
    return count


def do_merge_reports(
    report: Report,
    original: Report,
    *,
    actor: Any = None,
    reason: str = "",
    candidate: Candidate | None = None,
) -> DuplicateLink:
    """Mark ``report`` as a duplicate of ``original``; undone by ``do_unmerge``."""
    if report.pk == original.pk:
        raise AnalysisError(_("A report cannot be merged into itself."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        merged = DuplicateLink.objects.filter(report=report, state=DuplicateLink.State.MERGED)
        other = merged.exclude(original=original).first()
        if other is not None:
            raise AnalysisError(
                _("Report %(report)s is already merged into report %(other)s; unmerge it first.")
                % {"report": report.pk, "other": other.original_id}
            )
        link = _merge_link(report, original, actor, reason, candidate)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.MERGED)
        audit.record(
            "report.merged",
            report,
            actor=actor,
            original=original.pk,
            reason=link.reason,
            kind=link.kind,
            score=link.score,
            automatic=actor is None,
        )
    return link


def _merge_link(
    report: Report, original: Report, actor: Any, reason: str, candidate: Candidate | None
) -> DuplicateLink:
    link, _created = DuplicateLink.objects.get_or_create(
        report=report,
        original=original,
        defaults={
            "kind": candidate.kind if candidate else DuplicateLink.Kind.MANUAL,
            "score": candidate.score if candidate else 1.0,
        },
    )
    if link.state != DuplicateLink.State.MERGED:
        link.status_before = report.status
    who = "automatically" if actor is None else "by hand"
    link.state = DuplicateLink.State.MERGED
    link.reason = f"Merged {who}: {reason}".strip().rstrip(":") if reason else f"Merged {who}"
    link.decided_by = actor if getattr(actor, "pk", None) else None
    link.decided_at = timezone.now()
    link.save()
    return link


def do_unmerge(link: DuplicateLink, *, actor: Any = None, reason: str) -> DuplicateLink:
    """Undo a merge: the report gets back the status it had; the merge reason is kept."""
    if not reason.strip():
        raise AnalysisError(_("Unmerging needs a reason."))
    with transaction.atomic():
        link = DuplicateLink.objects.select_for_update().get(pk=link.pk)
        if link.state != DuplicateLink.State.MERGED:
            raise AnalysisError(_("This pair is not merged."))
        restored = link.status_before or Report.Status.OPEN
        Report.objects.filter(pk=link.report_id, status=Report.Status.MERGED).update(
            status=restored
        )
        link.state = DuplicateLink.State.UNMERGED
        link.reason = f"{link.reason}\nUnmerged: {reason.strip()}"
        link.decided_by = actor if getattr(actor, "pk", None) else None
        link.decided_at = timezone.now()
        link.save()
        audit.record(
            "report.unmerged",
            link.report,
            actor=actor,
            original=link.original_id,
            reason=reason.strip(),
            status=restored,
        )
    return link


def do_reject_duplicate(
    link: DuplicateLink, *, actor: Any = None, reason: str = ""
) -> DuplicateLink:
    """The team says: not a duplicate. The suggestion is not made again."""
    if link.state == DuplicateLink.State.MERGED:
        raise AnalysisError(_("This pair is merged; unmerge it instead."))
    link.state = DuplicateLink.State.REJECTED
    link.reason = f"{link.reason}\nRejected: {reason.strip()}" if reason.strip() else link.reason
    link.decided_by = actor if getattr(actor, "pk", None) else None
    link.decided_at = timezone.now()
    link.save()
    audit.record(
        "report.duplicate_rejected",
        link.report,
        actor=actor,
        original=link.original_id,
        reason=reason,
    )
    return link


def do_correct_category(report: Report, category: Category, *, actor: Any = None) -> ReportAnalysis:
    """A person chose the category: it is kept, and it is a training example."""
    if not category.active:
        raise AnalysisError(_("The category “%(name)s” is not active.") % {"name": category.name})
    analysis, _created = ReportAnalysis.objects.get_or_create(report=report)
    old = analysis.category_id
    analysis.category = category
    analysis.category_confidence = 1.0
    analysis.category_confirmed_by = actor if getattr(actor, "pk", None) else None
    analysis.category_confirmed_at = timezone.now()
    analysis.save(
        update_fields=[
            "category", "category_confidence", "category_confirmed_by", "category_confirmed_at",
        ]
    )  # fmt: skip
    audit.record("report.category", report, actor=actor, old=old, new=category.pk)
    later = timezone.now() + timedelta(seconds=RECLASSIFY_DELAY)
    reclassify_task.using(run_after=later).enqueue()
    return analysis


def do_confirm_impact(report: Report, hours_per_year: float, *, actor: Any = None) -> None:
    """A person set the hours a year the report's red tape costs; the suggestion is kept."""
    analysis, _created = ReportAnalysis.objects.get_or_create(report=report)
    old = analysis.hours_per_year
    impact = dict(analysis.impact or {})
    impact["confirmed"] = {
        "by": getattr(actor, "pk", None),
        "at": timezone.now().isoformat(),
        "suggested": old,
    }
    analysis.hours_per_year = hours_per_year
    analysis.impact = impact
    analysis.save(update_fields=["hours_per_year", "impact"])
    audit.record("report.impact", report, actor=actor, old=old, new=hours_per_year)


def do_reclassify(*, chosen: Stages | None = None) -> int:
    """Predict again every category no person chose, with the model refitted on corrections."""
    s = chosen or stages()
    qs = ReportAnalysis.objects.filter(category_confirmed_at__isnull=True, state="done")
    changed = 0
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[: pipeline.BATCH])
        if not batch:
            break
        last = batch[-1].pk
        changed += pipeline.reclassify(batch, s)
    audit.record("analysis.reclassified", None, changed=changed)
    return changed


def do_recluster(*, actor: Any = None, chosen: Stages | None = None) -> ReclusterResult:
    """Re-cluster every report's theme (the scheduler calls this periodically)."""
    s = chosen or stages()
    result = recluster(s.clusterer, s.labeler, s.space)
    audit.record("themes.reclustered", None, actor=actor, **asdict(result))
    log.info("re-clustered themes: %s", result)
    return result


# Background work as tasks (tapecut.core.tasks): stored as jobs of the kinds above.
@job_task(ANALYSE_JOB, key="analyse:{report_id}")
def analyse_report_task(report_id: int) -> None:
    report = None
    if isinstance(report_id, int):
        report = Report.objects.select_related("reporter").filter(pk=report_id).first()
    if report is None:
        raise jobs.PermanentError(f"report {report_id} does not exist")
    do_analyse_report(report)


@job_task(RECLASSIFY_JOB, key="analysis:reclassify")
def reclassify_task() -> None:
    do_reclassify()


@job_task(RECLUSTER_JOB)
def recluster_task() -> None:
    do_recluster()
