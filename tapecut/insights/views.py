"""The dashboard and its exports: for leaders, triagers and admins (never reporters)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import get_language

from tapecut.accounts.roles import ADMIN, LEADER, TRIAGER, role_required
from tapecut.analysis.models import Category
from tapecut.insights import exports, metrics, present
from tapecut.insights.privacy import MIN_GROUP
from tapecut.insights.selection import FilterError, Filters, parse_filters, select
from tapecut.intake.models import Channel, Reporter

READERS = (LEADER, TRIAGER, ADMIN)


def cached_dashboard(filters: Filters) -> metrics.Dashboard:
    """The figures for these filters, reused for a short while (TAPECUT_INSIGHTS_CACHE_SECONDS).

    Labels (category names, "unknown") are in the active language, so it is part of the key.
    """
    seconds = settings.TAPECUT_INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return metrics.dashboard(select(filters))
    raw = json.dumps([get_language(), filters.as_query()], sort_keys=True)
    key = "insights:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = metrics.dashboard(select(filters))
        cache.set(key, found, seconds)
    return found


def filter_choices() -> dict[str, Any]:
    units = (
        Reporter.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True).distinct()
    )
    return {
        "categories": Category.objects.order_by("position", "slug"),
        "units": list(units),
        "channels": Channel.choices,
    }


@role_required(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"choices": filter_choices(), "min_group": MIN_GROUP}
    try:
        filters = parse_filters(request.GET)
    except FilterError as exc:
        context.update(error=str(exc), filters=Filters())
        return render(request, "insights/dashboard.html", context, status=400)
    data = cached_dashboard(filters)
    query = urlencode(filters.as_query())
    context.update(
        filters=filters,
        data=data,
        charts=present.dashboard_charts(data),
        breakdown_tables=present.breakdown_tables(data),
        query=query,
        exports=list(exports.KINDS.items()),
    )
    return render(request, "insights/dashboard.html", context)


@role_required(*READERS)
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in exports.KINDS or fmt not in exports.FORMATS:
        raise Http404
    try:
        filters = parse_filters(request.GET)
    except FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return exports.response(kind, fmt, select(filters))
