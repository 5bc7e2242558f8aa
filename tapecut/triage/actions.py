"""Every write in triage goes through these ``do_*`` functions, which also write the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tapecut.analysis.models import Theme
from tapecut.core import audit, storage
from tapecut.intake.models import FollowUp, Report
from tapecut.intake.processing import do_add_followup
from tapecut.triage import linked, notices, steps
from tapecut.triage.models import (
    Change,
    ChangeReport,
    Evidence,
    FixFeedback,
    Note,
    Notice,
    Question,
    SavedView,
)

Status = Change.Status

# Where a change may go next. Done may reopen (a reporter said it did not help); a declined
# change may be proposed again.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.APPROVED, Status.DECLINED}),
    Status.APPROVED: frozenset({Status.PROPOSED, Status.IN_PROGRESS, Status.DONE, Status.DECLINED}),
    Status.IN_PROGRESS: frozenset({Status.APPROVED, Status.DONE, Status.DECLINED}),
    Status.DONE: frozenset({Status.IN_PROGRESS}),
    Status.DECLINED: frozenset({Status.PROPOSED}),
}
_STAMP: dict[str, str] = {
    Status.APPROVED: "approved_at",
    Status.IN_PROGRESS: "started_at",
    Status.DONE: "done_at",
    Status.DECLINED: "declined_at",
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class TriageError(ValueError):
    """A request the rules do not allow; the message says why, in the user's language."""


def do_create_change(
    *,
    title: str,
    actor: Any,
    problem: str = "",
    decision: str = "",
    owner: Any = None,
    due_date: dt.date | None = None,
    reports: Iterable[Report] = (),
    themes: Iterable[Theme] = (),
) -> Change:
    """A new change, linked to the chosen reports and to its themes' reports of this moment."""
    title = title.strip()
    if not title:
        raise TriageError(_("A change needs a title."))
    with transaction.atomic():
        change = Change.objects.create(
            title=title[:200],
            problem=problem,
            decision=decision,
            owner=owner,
            due_date=due_date,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        change.themes.set(list(themes))
        theme_ids = sorted(change.themes.values_list("id", flat=True))
        _link(change, [r.pk for r in reports], actor, ChangeReport.Source.HAND)
        _link(change, linked.theme_report_ids(theme_ids), actor, ChangeReport.Source.THEME)
        audit.record(
            "change.create",
            change,
            actor=actor,
            reports=linked.change_report_ids(change),
            themes=theme_ids,
        )
    return change


def _link(
    change: Change, report_ids: Iterable[int], actor: Any, source: str, reason: str = ""
) -> list[int]:
    """Link these reports (again, where a link was removed); return the ids newly in force."""
    wanted = set(report_ids)
    rows = ChangeReport.objects.filter(change=change, report_id__in=wanted)
    known = {row.report_id: row for row in rows}
    by = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    fields = {"source": source, "reason": reason, "linked_by": by, "linked_at": now}
    new = [ChangeReport(change=change, report_id=rid, **fields) for rid in wanted - set(known)]
    ChangeReport.objects.bulk_create(new)
    again = [pk for pk, row in known.items() if row.removed_at is not None]
    ChangeReport.objects.filter(change=change, report_id__in=again).update(
        removed_at=None, removed_by=None, removed_reason="", **fields
    )
    return sorted([row.report_id for row in new] + again)


def do_update_change(change: Change, *, actor: Any, **fields: Any) -> Change:
    """Edit title, problem, decision or due date (owner and status have their own actions)."""
    allowed = {"title", "problem", "decision", "due_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise TriageError(f"cannot edit {sorted(unknown)} here")
    if "title" in fields and not str(fields["title"]).strip():
        raise TriageError(_("A change needs a title."))
    changed = {k: v for k, v in fields.items() if getattr(change, k) != v}
    for key, value in changed.items():
        setattr(change, key, value)
    if changed:
        change.save()
        audit.record("change.edit", change, actor=actor, fields=sorted(changed))
    return change


def do_link_change(
    change: Change,
    *,
    actor: Any,
    reports: Iterable[Report] = (),
    themes: Iterable[Theme] = (),
    reason: str = "",
    source: str = ChangeReport.Source.HAND,
) -> list[int]:
    """Link reports, and themes with their reports of this moment; return the newly linked ids."""
    theme_ids = [t.pk for t in themes]
    with transaction.atomic():
        change.themes.add(*theme_ids)
        added = _link(change, [r.pk for r in reports], actor, source, reason)
        from_themes = _link(
            change, linked.theme_report_ids(theme_ids), actor, ChangeReport.Source.THEME, reason
        )
        added = sorted(set(added) | set(from_themes))
        if added or theme_ids:
            audit.record(
                "change.link", change, actor=actor, reports=added, themes=theme_ids, reason=reason
            )
    return added


def do_unlink_reports(
    change: Change, reports: Iterable[Report], *, actor: Any, reason: str
) -> list[int]:
    """Take reports off a change, with a reason; they are no longer told nor counted."""
    if not reason.strip():
        raise TriageError(_("Say why these reports no longer belong to this change."))
    ids = [r.pk for r in reports]
    with transaction.atomic():
        rows = linked.links(Q(change=change, report_id__in=ids))
        removed = sorted(rows.values_list("report_id", flat=True))
        rows.update(
            removed_at=timezone.now(),
            removed_by=actor if getattr(actor, "pk", None) else None,
            removed_reason=reason.strip()[:2000],
        )
        if removed:
            audit.record("change.unlink", change, actor=actor, reports=removed, reason=reason)
    return removed


def do_change_status(
    change: Change, status: str, *, actor: Any, reason: str = "", actor_label: str = ""
) -> Change:
    """Move a change along; each step tells every linked reporter and follower (once).

    ``actor_label`` names an actor without an account (an owner acting through their link)."""
    if status not in Status.values:
        raise TriageError(_("Unknown status: %(status)s") % {"status": status})
    if status == change.status:
        return change
    if status not in TRANSITIONS[change.status]:
        raise TriageError(
            _("A change cannot go from %(old)s to %(new)s.")
            % {"old": change.get_status_display(), "new": Status(status).label}
        )
    if status == Status.DECLINED and not reason.strip():
        raise TriageError(_("Declining needs a reason the reporters will read."))
    old = change.status
    with transaction.atomic():
        change.status = status
        if status == Status.DECLINED:
            change.decline_reason = reason.strip()
        if status in _STAMP:
            setattr(change, _STAMP[status], timezone.now())
        change.save()
        audit.record(
            "change.status",
            change,
            actor=actor,
            actor_label=actor_label,
            old=old,
            new=status,
            reason=reason,
        )
        if status in steps.STEPS:
            # The job commits with the status: the database is the queue.
            notices.enqueue_outcome(change.pk, status)
    return change


def do_assign_owner(
    change: Change, owner: Any, *, actor: Any, due_date: dt.date | None = None
) -> Change:
    old_owner = change.owner_id
    change.owner = owner
    if due_date is not None:
        change.due_date = due_date
    change.save(update_fields=["owner", "due_date", "updated_at"])
    audit.record(
        "change.owner",
        change,
        actor=actor,
        old=old_owner,
        new=getattr(owner, "pk", None),
        due=str(change.due_date or ""),
    )
    return change


def do_add_evidence(
    change: Change,
    *,
    actor: Any,
    text: str = "",
    url: str = "",
    filename: str = "",
    data: bytes | None = None,
) -> Evidence:
    if not (text.strip() or url.strip() or data):
        raise TriageError(_("Evidence needs a text, a link or a file."))
    if url and not url.lower().startswith(("https://", "http://")):
        raise TriageError(_("Links must start with https:// or http://."))
    if data is not None and len(data) > MAX_EVIDENCE_BYTES:
        raise TriageError(_("The file is too large (at most 20 MB)."))
    digest = storage.put_blob(data) if data else ""
    evidence = Evidence.objects.create(
        change=change,
        text=text.strip(),
        url=url.strip(),
        filename=filename[:255] if data else "",
        sha256=digest,
        size=len(data or b""),
        added_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record("change.evidence", change, actor=actor, evidence=evidence.pk)
    return evidence


def do_add_note(
    *, actor: Any, text: str, report: Report | None = None, change: Change | None = None
) -> Note:
    if not text.strip():
        raise TriageError(_("A note cannot be empty."))
    if (report is None) == (change is None):
        raise TriageError("a note belongs to one report or one change")
    note = Note.objects.create(
        report=report,
        change=change,
        author=actor if getattr(actor, "pk", None) else None,
        text=text.strip(),
    )
    audit.record("note.add", report or change, actor=actor, note=note.pk)
    return note


def do_ask_question(report: Report, text: str, *, actor: Any) -> Question:
    """Ask the reporter: by email (named, pseudonymous) or on the receipt page (anonymous)."""
    if not text.strip():
        raise TriageError(_("A question cannot be empty."))
    with transaction.atomic():
        followup = do_add_followup(report, text.strip(), author=FollowUp.Author.TEAM)
        question = Question.objects.create(
            report=report,
            followup=followup,
            asked_by=actor if getattr(actor, "pk", None) else None,
            text=text.strip(),
        )
        notice = notices.create_question_notice(question)
        audit.record("report.question", report, actor=actor, question=question.pk)
        if notice is not None and notice.channel == Notice.Channel.EMAIL:
            notices.enqueue_send(notice.pk)
    return question


def do_record_feedback(
    notice: Notice, answer: str, *, comment: str = "", actor: Any = None
) -> FixFeedback:
    """ "Did this fix it?" A "no" puts the change back in front of the team."""
    if answer not in FixFeedback.Answer.values:
        raise TriageError(_("Please answer yes or no."))
    if notice.change_id is None:
        raise TriageError("feedback belongs to the outcome of a change")
    with transaction.atomic():
        feedback, created = FixFeedback.objects.update_or_create(
            notice=notice,
            defaults={"change_id": notice.change_id, "answer": answer, "comment": comment[:5000]},
        )
        if answer == FixFeedback.Answer.NO:
            Change.objects.filter(pk=notice.change_id).update(needs_attention=True)
        audit.record(
            "change.feedback",
            feedback.change,
            actor=actor,
            actor_label="reporter" if actor is None else "",
            answer=answer,
            notice=notice.pk,
            first=created,
        )
    return feedback


def do_clear_attention(change: Change, *, actor: Any) -> Change:
    Change.objects.filter(pk=change.pk).update(needs_attention=False)
    change.needs_attention = False
    audit.record("change.attention_cleared", change, actor=actor)
    return change


def do_save_view(user: Any, name: str, query: str) -> SavedView:
    """Save (or overwrite) one of the user's inbox filter sets."""
    name = name.strip()[:100]
    if not name:
        raise TriageError(_("A saved view needs a name."))
    view, _created = SavedView.objects.update_or_create(
        user=user, name=name, defaults={"query": query.lstrip("?")[:2000]}
    )
    return view


def do_delete_view(view: SavedView) -> None:
    view.delete()


def do_resend_notice(notice: Notice, *, actor: Any) -> Notice:
    """Send again a notice a killed worker left in doubt: an admin's decision, audited."""
    if notice.state not in {Notice.State.SENDING, Notice.State.FAILED}:
        raise TriageError(_("Only notices in doubt or failed can be sent again."))
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.PENDING, claimed_at=None)
    audit.record("notice.resend", notice, actor=actor, old=notice.state)
    notices.enqueue_send(notice.pk)
    notice.state = Notice.State.PENDING
    return notice
