"""Which reports a change answers: the one place every count and every notice reads.

A change answers the reports linked to it explicitly (``ChangeReport`` rows in force). Making a
change from a theme links that theme's reports *at that moment*; reports that join the theme
later are only *proposed* until someone links them. Notices go to the linked reports' reporters
and to those of the duplicates merged into them (``notice_report_ids``); every *count* of a
change's reports is ``len(change_report_ids(change))`` or the ``with_report_count`` annotation,
which are the same number.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tapecut.analysis.models import DuplicateLink, ReportAnalysis
from tapecut.intake.models import Report
from tapecut.triage.models import Change, ChangeReport


def links(condition: Q | None = None) -> QuerySet[ChangeReport]:
    """The links in force, optionally narrowed (the dashboards pass their selection)."""
    rows = ChangeReport.objects.active()
    return rows.filter(condition) if condition is not None else rows


def change_reports(change: Change) -> QuerySet[Report]:
    return Report.objects.filter(pk__in=links(Q(change=change)).values("report_id"))


def change_report_ids(change: Change) -> list[int]:
    return sorted(links(Q(change=change)).values_list("report_id", flat=True))


def with_report_count(changes: QuerySet[Change]) -> QuerySet[Change]:
    """Each change with ``report_count``: its reports in force, as ``change_report_ids``."""
    active = Q(report_links__removed_at__isnull=True)
    return changes.annotate(report_count=Count("report_links", filter=active, distinct=True))


def changes_of(report: Report) -> QuerySet[Change]:
    """The changes that answer one report."""
    return Change.objects.filter(pk__in=links(Q(report=report)).values("change_id"))


def linked_anywhere() -> QuerySet[ChangeReport, Any]:
    """``report_id`` of every report some change answers: re-clustering must not move them."""
    return links().values("report_id").distinct()


def theme_report_ids(theme_ids: list[int]) -> list[int]:
    """The reports in these themes now."""
    rows = ReportAnalysis.objects.filter(theme_id__in=theme_ids)
    return sorted(set(rows.values_list("report_id", flat=True)))


def proposed_reports(change: Change) -> QuerySet[Report]:
    """Reports in the change's themes now that were never linked to it nor removed from it."""
    decided = ChangeReport.objects.filter(change=change).values("report_id")
    themes = change.themes.values("id")
    in_themes = ReportAnalysis.objects.filter(theme_id__in=themes).values("report_id")
    return (
        Report.objects.filter(pk__in=in_themes)
        .exclude(pk__in=decided)
        .order_by("received_at", "id")
    )


def notice_report_ids(change: Change) -> set[int]:
    """The linked reports and every report merged with one of them (either way round)."""
    ids = set(change_report_ids(change))
    frontier = set(ids)
    # Merges chain (C merged into B merged into A): follow them until nothing new turns up.
    while frontier:
        pairs = DuplicateLink.objects.filter(state=DuplicateLink.State.MERGED).filter(
            Q(report_id__in=frontier) | Q(original_id__in=frontier)
        )
        found = {rid for pair in pairs.values_list("report_id", "original_id") for rid in pair}
        frontier = found - ids
        ids |= frontier
    return ids
