"""Changes: list, create (from a theme or selected reports), page, status, owner, evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import can, can_edit_change, changes_for_user, require
from tapecut.analysis.models import Theme
from tapecut.core import storage
from tapecut.intake.models import Report
from tapecut.triage import actions, linked
from tapecut.triage.forms import ChangeForm, EvidenceForm, OwnerForm, StatusForm, TextForm
from tapecut.triage.models import Change, ChangeReport, Evidence, FixFeedback, Notice
from tapecut.triage.views.downloads import download_response


def _visible_changes(user: Any) -> QuerySet[Change]:
    return changes_for_user(user, Change.objects.select_related("owner"))


def _change_for(request: HttpRequest, pk: int) -> Change:
    change = get_object_or_404(Change.objects.select_related("owner"), pk=pk)
    if not can_edit_change(request.user, change):
        raise PermissionDenied
    return change


@require("see_changes")
def change_list(request: HttpRequest) -> HttpResponse:
    changes = linked.with_report_count(_visible_changes(request.user))
    status = request.GET.get("status", "")
    if status in Change.Status.values:
        changes = changes.filter(status=status)
    if request.GET.get("attention"):
        changes = changes.filter(needs_attention=True)
    context = {"changes": changes, "status": status, "statuses": Change.Status.choices}
    return render(request, "triage/change_list.html", context)


def _ids(request: HttpRequest, *names: str) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    values = [v for name in names for v in source.getlist(name)]
    return [int(v) for v in values if str(v).isdigit()]


@require("manage_changes")
def change_new(request: HttpRequest) -> HttpResponse:
    reports = Report.objects.filter(pk__in=_ids(request, "report", "reports"))
    themes = Theme.objects.filter(pk__in=_ids(request, "theme", "themes"))
    # "Create a change" in the inbox posts the selected reports here with ``start``: an empty
    # form to fill in, not a submission to check.
    posted = request.method == "POST" and "start" not in request.POST
    form = ChangeForm(request.POST if posted else None, initial=_initial(themes))
    if posted and form.is_valid():
        data = form.cleaned_data
        change = actions.do_create_change(
            title=data["title"],
            problem=data["problem"],
            decision=data["decision"],
            owner=data["owner"],
            due_date=data["due_date"],
            reports=reports,
            themes=themes,
            actor=request.user,
        )
        messages.success(request, _("Change created."))
        return redirect("triage:change", pk=change.pk)
    context = {"form": form, "reports": reports, "themes": themes}
    return render(request, "triage/change_new.html", context)


def _initial(themes: QuerySet[Theme]) -> dict[str, str]:
    theme = themes.first()
    if theme is None:
        return {}
    return {"title": str(theme), "problem": theme.summary}


@require("see_changes")
def change_page(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_for(request, pk)
    form = ChangeForm(request.POST or None, instance=change)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "problem", "decision", "due_date")}
        # The instance was changed by validation; reload so the action sees what is stored.
        actions.do_update_change(Change.objects.get(pk=pk), actor=request.user, **data)
        messages.success(request, _("Saved."))
        return redirect("triage:change", pk=pk)
    context = _page_context(change, form)
    context["can_manage"] = can(request.user, "manage_changes")
    return render(request, "triage/change.html", context)


def _page_context(change: Change, form: ChangeForm) -> dict[str, Any]:
    links = ChangeReport.objects.filter(change=change).select_related(
        "report", "linked_by", "removed_by"
    )
    proposed = linked.proposed_reports(change)
    notice_counts = change.notices.values("channel", "state").annotate(n=Count("id"))
    feedback = change.feedback.values("answer").annotate(n=Count("id"))
    return {
        "change": change,
        "form": form,
        "status_form": StatusForm(initial={"status": change.status}),
        "owner_form": OwnerForm(initial={"owner": change.owner, "due_date": change.due_date}),
        "evidence_form": EvidenceForm(),
        "next_statuses": [
            # In the order of the workflow (proposed → approved → in progress → done), not
            # alphabetical.
            (value, label)
            for value, label in Change.Status.choices
            if value in actions.TRANSITIONS[change.status]
        ],
        "links": links.filter(removed_at__isnull=True).order_by("-report__received_at")[:500],
        "linked_total": len(linked.change_report_ids(change)),
        "removed": links.filter(removed_at__isnull=False).order_by("-removed_at")[:200],
        "proposed": proposed[:200],
        "proposed_total": proposed.count(),
        "notice_counts": list(notice_counts),
        "feedback": {row["answer"]: row["n"] for row in feedback},
        "feedback_comments": change.feedback.exclude(comment="").order_by("-updated_at")[:50],
        "uncertain": change.notices.filter(state=Notice.State.SENDING).count(),
        "notes": change.notes.select_related("author"),
        "answers": FixFeedback.Answer,
    }


def _act(request: HttpRequest, pk: int, fn: Any) -> HttpResponse:
    change = _change_for(request, pk)
    try:
        fn(change)
    except actions.TriageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("triage:change", pk=pk)


@require("see_changes")
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("triage:change", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda c: actions.do_change_status(
            c, data["status"], actor=request.user, reason=data["reason"]
        ),
    )


@require("manage_changes")
@require_POST
def change_owner(request: HttpRequest, pk: int) -> HttpResponse:
    form = OwnerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an owner from the list."))
        return redirect("triage:change", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda c: actions.do_assign_owner(
            c, data["owner"], actor=request.user, due_date=data["due_date"]
        ),
    )


@require("see_changes")
@require_POST
def change_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the link: it must be a full web address."))
        return redirect("triage:change", pk=pk)
    upload = form.cleaned_data.get("file")
    return _act(
        request,
        pk,
        lambda c: actions.do_add_evidence(
            c,
            actor=request.user,
            text=form.cleaned_data["text"],
            url=form.cleaned_data["url"],
            filename=upload.name if upload else "",
            data=upload.read(actions.MAX_EVIDENCE_BYTES + 1) if upload else None,
        ),
    )


@require("see_changes")
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    change = _change_for(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_id, change=change, sha256__gt="")
    return download_response(storage.get_blob(item.sha256), item.filename or "evidence")


@require("see_changes")
@require_POST
def change_note(request: HttpRequest, pk: int) -> HttpResponse:
    form = TextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _act(request, pk, lambda c: actions.do_add_note(change=c, text=text, actor=request.user))


@require("see_changes")
@require_POST
def change_attention(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda c: actions.do_clear_attention(c, actor=request.user))


@require("manage_changes")
@require_POST
def change_link(request: HttpRequest, pk: int) -> HttpResponse:
    reports = Report.objects.filter(pk__in=_ids(request, "report", "reports"))
    themes = Theme.objects.filter(pk__in=_ids(request, "theme", "themes"))
    source = ChangeReport.Source.PROPOSAL if request.POST.get("source") == "proposal" else ""
    return _act(
        request,
        pk,
        lambda c: actions.do_link_change(
            c,
            actor=request.user,
            reports=reports,
            themes=themes,
            source=source or ChangeReport.Source.HAND,
        ),
    )


@require("manage_changes")
@require_POST
def change_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    reports = Report.objects.filter(pk__in=_ids(request, "report", "reports"))
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        lambda c: actions.do_unlink_reports(c, reports, actor=request.user, reason=reason),
    )
