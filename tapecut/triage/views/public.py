"""Pages reporters see: the "You said, we did" board, following a report, "did this fix it?"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tapecut.intake.models import FollowUp, Report
from tapecut.triage import actions, links, notices
from tapecut.triage.access import require
from tapecut.triage.forms import FeedbackForm
from tapecut.triage.models import Change, Notice
from tapecut.triage.reporter_status import reporter_status

# Fewer reports than this are never summarised: a small count can point at a person.
MIN_REPORTS = 5


@dataclass(frozen=True)
class BoardEntry:
    change: Change
    report_count: int | None  # None: fewer than MIN_REPORTS
    helped: int | None
    answers: int | None


def _at_least(n: int) -> int | None:
    return n if n >= MIN_REPORTS else None


def board_entries() -> list[BoardEntry]:
    closed = Change.objects.filter(
        status__in=[Change.Status.DONE, Change.Status.DECLINED]
    ).order_by("-done_at", "-declined_at", "-id")[:200]
    entries = []
    for change in closed:
        answers = dict(
            change.feedback.values_list("answer").annotate(n=Count("id")).values_list("answer", "n")
        )
        total = sum(answers.values())
        entries.append(
            BoardEntry(
                change=change,
                report_count=_at_least(len(notices.linked_report_ids(change))),
                helped=answers.get("yes", 0) if total >= MIN_REPORTS else None,
                answers=_at_least(total),
            )
        )
    return entries


@require("board")
def board(request: HttpRequest) -> HttpResponse:
    entries = board_entries()
    context = {
        "done": [e for e in entries if e.change.status == Change.Status.DONE],
        "declined": [e for e in entries if e.change.status == Change.Status.DECLINED],
        "min_reports": MIN_REPORTS,
    }
    return render(request, "triage/board.html", context)


def follow(request: HttpRequest, token: str) -> HttpResponse:
    """A reporter follows their report through the signed link in the acknowledgement."""
    report_id = links.report_id_from_token(token)
    if report_id is None:
        raise Http404
    report = get_object_or_404(Report, pk=report_id)
    outcomes = (
        Notice.objects.filter(report=report, kind=Notice.Kind.OUTCOME, state=Notice.State.SENT)
        .select_related("change")
        .order_by("sent_at")
    )
    context = {
        "report": report,
        "status": reporter_status(report),
        "messages_from_team": report.followups.filter(author=FollowUp.Author.TEAM),
        "outcomes": outcomes,
    }
    response = render(request, "triage/follow.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm with one press: a GET alone records nothing, since mail scanners open links."""
    notice_id = links.notice_id_from_token(token)
    if notice_id is None:
        raise Http404
    notice = Notice.objects.select_related("change").filter(pk=notice_id).first()
    if notice is None or notice.change is None or notice.kind != Notice.Kind.OUTCOME:
        raise Http404
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            actions.do_record_feedback(
                notice, form.cleaned_data["answer"], comment=form.cleaned_data["comment"]
            )
            return render(request, "triage/feedback_thanks.html", {"change": notice.change})
    else:
        answer = request.GET.get("answer")
        form = FeedbackForm(initial={"answer": answer if answer in {"yes", "no"} else None})
    response = render(request, "triage/feedback.html", {"form": form, "change": notice.change})
    response["Referrer-Policy"] = "no-referrer"
    return response
