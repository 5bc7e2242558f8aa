"""The cost breakdown of a theme or a change: each factor, where it came from, the team's figure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tapecut.accounts.permissions import can, require
from tapecut.analysis.models import Theme
from tapecut.insights import costs
from tapecut.insights.cost_actions import CostError, do_set_cost_factor
from tapecut.insights.models import CostFactor
from tapecut.triage.models import Change

LABELS = {
    CostFactor.Name.TIME_PER_CASE: gettext_lazy("Time per case (hours)"),
    CostFactor.Name.CASES_PER_YEAR: gettext_lazy("Cases per year"),
    CostFactor.Name.HOURLY_COST: gettext_lazy("Hourly labour cost"),
    CostFactor.Name.OUT_OF_POCKET: gettext_lazy("Out-of-pocket cost per case"),
    CostFactor.Name.TIME_SAVED: gettext_lazy("Time saved per case (hours)"),
}


def _save(request: HttpRequest, obj: Theme | Change) -> None:
    try:
        do_set_cost_factor(
            obj,
            request.POST.get("factor", ""),
            request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except CostError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))


def _page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    context.update(labels=LABELS, can_edit=can(request.user, "manage_changes"))
    return render(request, "insights/cost.html", context)


@require("insights")
def theme_cost(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    if request.method == "POST" and can(request.user, "manage_changes"):
        _save(request, theme)
        return redirect("insights:theme_cost", pk=pk)
    model = costs.theme_cost(theme)
    return _page(request, {"title": theme.label, "model": model, "factors": model.factors})


@require("insights")
def change_cost(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(Change, pk=pk)
    if request.method == "POST" and can(request.user, "manage_changes"):
        _save(request, change)
        return redirect("insights:change_cost", pk=pk)
    saving = costs.change_saving(change)
    factors = [*saving.model.factors, saving.time_saved]
    context = {"title": change.title, "model": saving.model, "factors": factors, "saving": saving}
    return _page(request, context)
