"""Pages reporters reach from our mail: following a report, "did this fix it?"."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tapecut.intake.models import FollowUp, Report
from tapecut.triage import actions, links
from tapecut.triage.forms import FeedbackForm
from tapecut.triage.models import Notice
from tapecut.triage.reporter_status import reporter_status


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
