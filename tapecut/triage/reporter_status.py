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
from tapecut.triage import linked
from tapecut.triage.models import Change


def changes_for(report: Report) -> list[Change]:
    """The changes linked to a report or to the report it was merged into (a report that only
    joined a change's theme later is proposed to the team, not answered yet)."""
    reports = [report.pk]
    original = report.duplicate_links.filter(state="merged").values_list("original_id", flat=True)
    reports += list(original)
    answering = linked.links(Q(report_id__in=reports)).values("change_id")
    return list(Change.objects.filter(pk__in=answering))


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
