"""Who looks after which report: assign to a triager, the "mine" view, and how long a report
has waited for a first answer from the team (the age badges, against TAPECUT_FIRST_ANSWER_HOURS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tapecut.core import audit
from tapecut.intake.models import FollowUp, Report
from tapecut.triage.actions import TriageError
from tapecut.triage.models import Assignment

# Statuses that still wait for the team (merged and closed reports are answered elsewhere).
WAITING = (Report.Status.NEW, Report.Status.OPEN)


def triagers() -> QuerySet[Any]:
    """Whom a report can be assigned to: active triagers and admins."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["triager", "admin"])
        .distinct()
        .order_by("username")
    )


def do_assign(reports: Iterable[Report], triager: Any, *, actor: Any) -> int:
    """Assign the reports to ``triager`` (``None`` takes them off anyone's list)."""
    ids = [r.pk for r in reports]
    if triager is not None and not triagers().filter(pk=triager.pk).exists():
        raise TriageError(_("Only a triager can be assigned a report."))
    with transaction.atomic():
        if triager is None:
            Assignment.objects.filter(report_id__in=ids).delete()
        else:
            for pk in ids:
                Assignment.objects.update_or_create(report_id=pk, defaults={"triager": triager})
        audit.record(
            "report.assign", None, actor=actor, reports=ids, to=getattr(triager, "pk", None)
        )
    return len(ids)


def answered() -> Exists:
    """Whether the team has written to the reporter (a question or an answer in the thread)."""
    return Exists(FollowUp.objects.filter(report=OuterRef("pk"), author=FollowUp.Author.TEAM))


def waiting_for_first_answer(reports: QuerySet[Report]) -> QuerySet[Report]:
    return (
        reports.filter(status__in=WAITING)
        .exclude(Q(followups__author=FollowUp.Author.TEAM))
        .distinct()
    )


def target() -> dt.timedelta:
    return dt.timedelta(hours=settings.TAPECUT_FIRST_ANSWER_HOURS)


def age_badge(received_at: dt.datetime, *, waiting: bool, now: dt.datetime | None = None) -> str:
    """``fresh``, ``due`` (past half the target) or ``late`` (past the target); ``""`` when
    the report does not wait for a first answer."""
    if not waiting:
        return ""
    age = (now or timezone.now()) - received_at
    limit = target()
    if age >= limit:
        return "late"
    return "due" if age >= limit / 2 else "fresh"


def short_age(received_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """3 min, 5 h, 2 d: how long ago, in the fewest characters that still read."""
    seconds = max(0, int(((now or timezone.now()) - received_at).total_seconds()))
    if seconds < 3600:
        return _("%(n)d min") % {"n": seconds // 60}
    if seconds < 48 * 3600:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d d") % {"n": seconds // 86400}
