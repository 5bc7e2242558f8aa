"""Where a report stands, in the reporter's words (the follow page).

The team's statuses (new, open, merged, answered, closed) describe the inbox's work. A
reporter asks something else: has anyone read it, is something being done, is it done? A
report merged into another one is simply "being worked on"; a change that answers it decides
the rest.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from tapecut.intake.models import Report
from tapecut.triage.models import Change


def changes_for(report: Report) -> list[Change]:
    """The changes that answer a report: directly, through its theme, or through the report it
    was merged into (and that one's theme)."""
    reports = [report.pk]
    original = report.duplicate_links.filter(state="merged").values_list("original_id", flat=True)
    reports += list(original)
    themes = Report.objects.filter(pk__in=reports, analysis__theme__isnull=False).values_list(
        "analysis__theme_id", flat=True
    )
    return list(
        Change.objects.filter(Q(reports__in=reports) | Q(themes__in=list(themes))).distinct()
    )


def reporter_status(report: Report) -> str:
    statuses = {change.status for change in changes_for(report)}
    if Change.Status.DONE in statuses:
        return _("Done")
    if statuses & {Change.Status.APPROVED, Change.Status.IN_PROGRESS}:
        return _("In progress")
    if Change.Status.PROPOSED in statuses:
        return _("A change is proposed")
    if Change.Status.DECLINED in statuses:
        return _("Declined")
    if report.status == Report.Status.NEW:
        return _("Received")
    if report.status == Report.Status.CLOSED:
        return _("Closed")
    return _("Being looked at")
