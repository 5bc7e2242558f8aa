"""The report page: what the reporter wrote, the safe original, suggestions, questions, notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import require
from tapecut.analysis.models import Category, DuplicateLink, Theme
from tapecut.core import crypto, storage
from tapecut.intake.models import Attachment, Mode, Report
from tapecut.triage import actions, assignments, linked, review
from tapecut.triage.forms import MergeForm, TextForm
from tapecut.triage.models import Assignment, Note
from tapecut.triage.original import original_for
from tapecut.triage.views.downloads import download_response
from tapecut.triage.views.parts import messages_only, messages_part


def _report(pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("reporter", "analysis__category", "analysis__theme"), pk=pk
    )


@require("triage")
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    analysis = getattr(report, "analysis", None)
    links = DuplicateLink.objects.filter(Q(report=report) | Q(original=report)).select_related(
        "report", "original"
    )
    context = {
        "report": report,
        "assignment": Assignment.objects.filter(report=report).select_related("triager").first(),
        "triagers": assignments.triagers(),
        "analysis": analysis,
        "protected": report.mode != Mode.NAMED,
        "followups": report.followups.all(),
        "attachments": report.attachments.all(),
        "notes": Note.objects.filter(report=report).select_related("author"),
        "duplicate_links": links.order_by("-score"),
        "changes": linked.changes_of(report),
        "categories": Category.objects.filter(active=True),
        "themes": Theme.objects.only(*Theme.LABEL_FIELDS).order_by("title", "id"),
        "merge_form": MergeForm(),
    }
    return render(request, "triage/report.html", context)


@require("triage")
def original(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    context = {"report": report, "original": original_for(report)}
    return render(request, "triage/original.html", context)


@require("triage")
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = get_object_or_404(Attachment, pk=attachment_id, report_id=pk)
    data = storage.get_blob(item.sha256)
    if item.encrypted:
        data = crypto.decrypt(data)
    return download_response(data, item.filename or f"attachment-{item.pk}")


@require("triage")
@require_POST
def question(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A question cannot be empty."))
    else:
        actions.do_ask_question(report, form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("Your question is on its way to the reporter."))
    return redirect("triage:report", pk=pk)


@require("triage")
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A note cannot be empty."))
    else:
        actions.do_add_note(report=report, text=form.cleaned_data["text"], actor=request.user)
    return redirect("triage:report", pk=pk)


def _link(report: Report, post: Any) -> DuplicateLink:
    return get_object_or_404(
        DuplicateLink, Q(report=report) | Q(original=report), pk=post.get("link")
    )


def _category(report: Report, post: Any, user: Any) -> None:
    review.do_set_category(report, get_object_or_404(Category, pk=post.get("category")), actor=user)


def _theme(report: Report, post: Any, user: Any) -> None:
    review.do_set_theme(report, get_object_or_404(Theme, pk=post.get("theme")), actor=user)


def _impact(report: Report, post: Any, user: Any) -> None:
    try:
        hours = float(str(post.get("hours", "")).replace(",", "."))
    except ValueError:
        raise actions.TriageError(_("Hours per year must be a number.")) from None
    review.do_set_impact(report, hours, actor=user)


def _merge_into(report: Report, post: Any, user: Any) -> None:
    form = MergeForm(post)
    if not form.is_valid():
        raise actions.TriageError(_("Name the report to merge into by its number."))
    data = form.cleaned_data
    review.do_merge_into(report, data["original"], actor=user, reason=data["reason"])


SUGGESTION_ACTIONS: dict[str, Callable[[Report, Any, Any], None]] = {
    "category": _category,
    "theme": _theme,
    "theme_accept": lambda r, p, u: review.do_accept_theme(r, actor=u),
    "accept_all": lambda r, p, u: review.do_accept_suggestions(r, actor=u),
    "impact": _impact,
    "merge": lambda r, p, u: review.do_merge(_link(r, p), actor=u, reason=p.get("reason", "")),
    "reject": lambda r, p, u: review.do_reject_duplicate(
        _link(r, p), actor=u, reason=p.get("reason", "")
    ),
    "unmerge": lambda r, p, u: review.do_unmerge(_link(r, p), actor=u, reason=p.get("reason", "")),
    "merge_into": _merge_into,
}


@require("triage")
@require_POST
def suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or correct one suggestion: one button, one POST (htmx swaps just that part)."""
    report = _report(pk)
    action = request.POST.get("action", "")
    act = SUGGESTION_ACTIONS.get(action)
    if act is None:
        messages.error(request, _("Unknown action."))
    else:
        try:
            act(report, request.POST, request.user)
        except (actions.TriageError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _done(action, report.pk))
    if messages_only(request):
        return messages_part(request)
    return redirect("triage:report", pk=pk)


@require("triage")
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign one report: to a triager, to oneself ("me", key m in the inbox) or to nobody."""
    report = _report(pk)
    value = request.POST.get("triager", "")
    triager = request.user if value == "me" else None
    if value.isdigit():
        triager = assignments.triagers().filter(pk=int(value)).first()
    try:
        if triager is None and value != "none":
            raise actions.TriageError(_("Only a triager can be assigned a report."))
        assignments.do_assign([report], triager, actor=request.user)
    except actions.TriageError as exc:
        messages.error(request, str(exc))
    else:
        who = triager.get_username() if triager is not None else _("nobody")
        messages.success(request, _("Report #%(pk)d assigned to %(who)s.") % {"pk": pk, "who": who})
    if messages_only(request):
        return messages_part(request)
    return redirect("triage:report", pk=pk)


def _done(action: str, pk: int) -> str:
    """What the team reads after a suggestion was accepted or corrected (a move says where)."""
    if action in {"theme", "theme_accept"}:
        theme = _report(pk).analysis.theme
        if action == "theme_accept":
            return _("Kept in the theme “%(theme)s”.") % {"theme": theme}
        return _("Moved to the theme “%(theme)s”.") % {"theme": theme}
    return _("Saved.")
