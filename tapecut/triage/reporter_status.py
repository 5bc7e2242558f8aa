"""Where a report stands, in the reporter's words (the follow page).

The team's statuses (new, open, merged, answered, closed) describe the inbox's work. A
reporter asks something else: has anyone read it, is something being done, is it done? A
report merged into another one is simply "being looked at"; a change that answers it (linked
to it or to the report it was merged into) decides the rest.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tapecut.intake.models import Report
from tapecut.triage import linked
from tapecut.triage.models import Change


def changes_for(report: Report) -> QuerySet[Change]:
    """The changes that answer a report: linked to it, or to the report it was merged into."""
    reports = [report.pk]
    reports += list(
        report.duplicate_links.filter(state="merged").values_list("original_id", flat=True)
    )
    return Change.objects.filter(pk__in=linked.links(Q(report_id__in=reports)).values("change_id"))


def reporter_status(report: Report) -> str:
    statuses = set(changes_for(report).values_list("status", flat=True))
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
