"""The landing page by role, and the inbox: filters, search, saved views, bulk actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import require
from tapecut.intake.models import Report
from tapecut.triage import actions, assignments, inbox_lists, review
from tapecut.triage.forms import BulkForm, InboxFilterForm, SavedViewForm
from tapecut.triage.inbox_rows import ROW_FIELDS, rows_html
from tapecut.triage.models import SavedView

PAGE_SIZE = 50
COUNT_CAP = 10_000


class LeanPaginator(Paginator):
    """Counts the filtered reports without the joins the rows need, and only up to
    COUNT_CAP: PostgreSQL counts by reading every row (5 ms and more at 100,000 reports, on
    each view of the inbox), and nobody pages through ten thousand reports; they filter."""

    def __init__(self, rows: Any, per_page: int, *, counted: QuerySet[Report]) -> None:
        super().__init__(rows, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return int(self.counted.order_by()[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


# ?sort= → the columns to order by; "-" in front sorts the other way round.
SORTS = {
    "number": ("id",),
    "subject": ("subject", "id"),
    "category": ("analysis__category__position", "id"),
    "theme": ("analysis__theme__title", "id"),
    "status": ("status", "id"),
    "assignee": ("assignment__triager__username", "id"),
    "received": ("received_at", "id"),
}
DEFAULT_SORT = "-received"
UNSURE = "unsure"  # ?queue=unsure: "check these first"


def _ordering(sort: str) -> tuple[str, list[str]]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        return _ordering(DEFAULT_SORT)
    sign = "-" if sort.startswith("-") else ""
    return sort, [f"{sign}{column}" for column in SORTS[key]]


def _narrowed(request: HttpRequest, reports: QuerySet[Report]) -> QuerySet[Report]:
    """The inbox's own filters beside the form's: whose reports, and the "check first" queue."""
    mine = request.GET.get("assigned", "")
    if mine == "me":
        reports = reports.filter(assignment__triager_id=request.user.pk)
    elif mine == "nobody":
        reports = reports.filter(assignment__isnull=True)
    if request.GET.get("queue") == UNSURE:
        # The suggestions the model is least sure of first: each correction there teaches
        # the classifier the most (uncertainty sampling).
        reports = reports.filter(
            analysis__category__isnull=False, analysis__category_confirmed_by__isnull=True
        )
    return reports


@require("triage")
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _bulk(request)
    lists = inbox_lists.InboxLists.read()
    form = InboxFilterForm(request.GET or None, themes=lists.themes)
    unsure = request.GET.get("queue") == UNSURE
    sort, order = _ordering(request.GET.get("sort", DEFAULT_SORT))
    if unsure and "sort" not in request.GET:
        sort, order = "", ["analysis__category_confidence", "id"]
    reports = _narrowed(request, Report.objects.order_by(*order))
    if form.is_bound:
        reports = form.apply(reports)
    rows = reports.annotate(answered=assignments.answered()).values(*ROW_FIELDS)
    page = LeanPaginator(rows, PAGE_SIZE, counted=reports).get_page(request.GET.get("page"))
    context = {
        "sort": sort,
        "unsure": unsure,
        "assigned": request.GET.get("assigned", ""),
        "first_answer_hours": settings.TAPECUT_FIRST_ANSWER_HOURS,
        "filter_fields": inbox_lists.filter_fields(form, lists),
        "page": page,
        "rows": rows_html(page, lists),
        "saved_views": SavedView.objects.filter(user_id=request.user.pk or 0),
        "save_form": SavedViewForm(initial={"query": request.GET.urlencode()}),
        "bulk": inbox_lists.bulk_options(lists),
        "query": request.GET.urlencode(),
        "count_cap": number_format(COUNT_CAP, force_grouping=True),
    }
    return render(request, "triage/inbox.html", context)


def _bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = "/inbox/" + ("?" + request.POST["query"] if request.POST.get("query") else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    try:
        count = review.do_bulk(
            list(data["reports"]),
            actor=request.user,
            theme=data.get("theme"),
            category=data.get("category"),
            status=data.get("status") or "",
        )
        if data.get("assignee"):
            triager = None if data["assignee"] == "none" else data["assignee"]
            count = assignments.do_assign(list(data["reports"]), triager, actor=request.user)
    except actions.TriageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Updated %(count)d reports.") % {"count": count})
    return redirect(back)


@require("triage")
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = actions.do_save_view(
                request.user, form.cleaned_data["name"], form.cleaned_data["query"]
            )
        except actions.TriageError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
            return redirect(f"/inbox/?{view.query}")
    else:
        messages.error(request, _("A saved view needs a name."))
    return redirect("triage:inbox")


@require("triage")
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    actions.do_delete_view(view)
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return redirect("triage:inbox")
