"""Accepting or correcting what analysis suggested: category, theme, impact, duplicates.

Category corrections, merges and unmerges belong to analysis (its actions keep the training
examples and the merge history); this module is the one place triage calls them from.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tapecut.analysis import actions as analysis_actions
from tapecut.analysis import curation
from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis, Theme
from tapecut.core import audit
from tapecut.intake.models import Report
from tapecut.triage.actions import TriageError


def analysis_of(report: Report) -> ReportAnalysis:
    # Reading only: every write of ReportAnalysis is an action of tapecut.analysis.
    return ReportAnalysis.objects.filter(report=report).first() or ReportAnalysis(report=report)


def do_set_category(report: Report, category: Category, *, actor: Any) -> None:
    """Accepting a suggestion is a correction to the same value: both are training examples."""
    analysis_actions.do_correct_category(report, category, actor=actor)


def do_set_theme(report: Report, theme: Theme | None, *, actor: Any) -> None:
    """A person chose the theme: the report stays there when themes are re-clustered."""
    if theme is not None:
        curation.do_move_reports(theme, [report.pk], actor=actor)
    else:
        curation.do_clear_theme(report, actor=actor)


def do_accept_theme(report: Report, *, actor: Any) -> None:
    analysis = analysis_of(report)
    audit.record("report.theme_confirmed", report, actor=actor, theme=analysis.theme_id)


def do_accept_suggestions(report: Report, *, actor: Any) -> None:
    """The inbox's "accept" (key a): the suggested category and theme, as they are."""
    analysis = analysis_of(report)
    if analysis.category is None and analysis.theme_id is None:
        raise TriageError(_("Nothing to accept: there is no suggestion yet."))
    if analysis.category is not None and analysis.category_confirmed_by_id is None:
        do_set_category(report, analysis.category, actor=actor)
    if analysis.theme_id is not None:
        do_accept_theme(report, actor=actor)


def do_set_impact(report: Report, hours_per_year: float, *, actor: Any) -> None:
    if hours_per_year < 0 or hours_per_year > 1_000_000:
        raise TriageError(_("Hours per year must be between 0 and 1,000,000."))
    analysis_actions.do_confirm_impact(report, hours_per_year, actor=actor)


def do_merge(link: DuplicateLink, *, actor: Any, reason: str = "") -> None:
    analysis_actions.do_merge_reports(link.report, link.original, actor=actor, reason=reason)


def do_merge_into(report: Report, original: Report, *, actor: Any, reason: str = "") -> None:
    if report.pk == original.pk:
        raise TriageError(_("A report cannot be merged into itself."))
    analysis_actions.do_merge_reports(report, original, actor=actor, reason=reason)


def do_reject_duplicate(link: DuplicateLink, *, actor: Any, reason: str = "") -> None:
    analysis_actions.do_reject_duplicate(link, actor=actor, reason=reason)


def do_unmerge(link: DuplicateLink, *, actor: Any, reason: str) -> None:
    if not reason.strip():
        raise TriageError(_("Unmerging needs a reason."))
    analysis_actions.do_unmerge(link, actor=actor, reason=reason)


def do_bulk(
    reports: list[Report],
    *,
    actor: Any,
    theme: Theme | None = None,
    category: Category | None = None,
    status: str = "",
) -> int:
    """One bulk action from the inbox over the selected reports; returns how many."""
    if status and status not in Report.Status.values:
        raise TriageError(_("Unknown status: %(status)s") % {"status": status})
    for report in reports:
        if theme is not None:
            do_set_theme(report, theme, actor=actor)
        if category is not None:
            do_set_category(report, category, actor=actor)
    if status:
        ids = [r.pk for r in reports]
        Report.objects.filter(pk__in=ids).update(status=status)
        audit.record("report.bulk_status", None, actor=actor, reports=ids, status=status)
    return len(reports)
