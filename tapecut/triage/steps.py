"""News at every step of a change: which steps are told, and who asked to hear no more.

A change is planned (approved), in progress, done or declined; each of those is a step its
reporters and followers hear of, once each (the unique constraints on Notice and FollowNews).
Every message carries a signed link that stops the news of that one change for that one person:
pressing it records a NewsStop (reporters) or ends the following (employees).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from tapecut.core import audit
from tapecut.triage.models import Change, Follow, NewsStop

Status = Change.Status
STEPS: tuple[str, ...] = (Status.APPROVED, Status.IN_PROGRESS, Status.DONE, Status.DECLINED)
CLOSING = frozenset({Status.DONE, Status.DECLINED})
# The field that dates each step on the change.
STAMPS: dict[str, str] = {
    Status.APPROVED: "approved_at",
    Status.IN_PROGRESS: "started_at",
    Status.DONE: "done_at",
    Status.DECLINED: "declined_at",
}
STOP_SALT = "tapecut.triage.stop-news"


def mailed_steps() -> frozenset[str]:
    """The steps that send news (TAPECUT_NEWS_STEPS), in the order of STEPS."""
    return frozenset(s for s in settings.TAPECUT_NEWS_STEPS if s in STEPS)


def subject_for(step: str, title: str) -> str:
    subjects: dict[str, str] = {
        Status.APPROVED: _("A change is planned because of your report: %(title)s"),
        Status.IN_PROGRESS: _("Work has started on a change you asked for: %(title)s"),
    }
    default = _("What came of your report: %(title)s")
    return subjects.get(step, default) % {"title": title}


def follower_subject(step: str, title: str) -> str:
    subjects: dict[str, str] = {
        Status.APPROVED: _("Planned: %(title)s"),
        Status.IN_PROGRESS: _("In progress: %(title)s"),
        Status.DONE: _("Done: %(title)s"),
        Status.DECLINED: _("Decided against: %(title)s"),
    }
    return subjects[step] % {"title": title}


def stopped(change: Change) -> tuple[set[int], set[int]]:
    """The reporters, and the reports without a reporter, that stopped this change's news."""
    rows = NewsStop.objects.filter(change=change).values_list("reporter_id", "report_id")
    reporters = {rep for rep, _rid in rows if rep is not None}
    reports = {rid for rep, rid in rows if rep is None and rid is not None}
    return reporters, reports


# --- The stop link ---------------------------------------------------------------------------
# The token names the change and who stops: "p" a reporter, "r" a report without a reporter,
# "u" a following employee. It grants nothing else, and it does not expire (news can come late).


def stop_token(change_id: int, who: str, pk: int) -> str:
    return signing.dumps([change_id, who, pk], salt=STOP_SALT)


def read_stop_token(token: str) -> tuple[int, str, int] | None:
    try:
        value = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3 and value[1] in {"p", "r", "u"}):
        return None
    change_id, who, pk = value
    return (change_id, who, pk) if isinstance(change_id, int) and isinstance(pk, int) else None


def stop_url(change_id: int, who: str, pk: int) -> str:
    path = reverse("triage:stop_news", args=[stop_token(change_id, who, pk)])
    return settings.TAPECUT_BASE_URL.rstrip("/") + path


def do_stop_news(change: Change, who: str, pk: int) -> bool:
    """Stop the news of one change for one person; True when something changed."""
    if who == "u":
        deleted, _rows = Follow.objects.filter(change=change, user_id=pk).delete()
        done = bool(deleted)
    else:
        lookup: dict[str, Any] = (
            {"reporter_id": pk, "report": None}
            if who == "p"
            else {"reporter": None, "report_id": pk}
        )
        _stop, done = NewsStop.objects.get_or_create(change=change, **lookup)
    if done:
        audit.record("change.news_stopped", change, actor_label="reader", who=who)
    return done
