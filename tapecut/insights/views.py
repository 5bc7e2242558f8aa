"""The dashboard and its exports: for leaders, triagers and admins (never reporters)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tapecut.accounts.permissions import require
from tapecut.analysis.models import Category
from tapecut.insights import costs, exports, metrics, present
from tapecut.insights.privacy import MIN_GROUP
from tapecut.insights.selection import FilterError, Filters, parse_filters, select
from tapecut.intake.models import Channel, Reporter

T = TypeVar("T")


def _reused(key: str, make: Callable[[], T]) -> T:
    """``make()``, reused for a short while (TAPECUT_INSIGHTS_CACHE_SECONDS; 0 turns it off)."""
    seconds = settings.TAPECUT_INSIGHTS_CACHE_SECONDS
    if seconds <= 0:
        return make()
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, seconds)
    return found  # type: ignore[no-any-return]


def _key(kind: str, filters: Filters) -> str:
    # Labels (category names, "unknown") are in the active language, so it is part of the key.
    raw = json.dumps([get_language(), filters.as_query()], sort_keys=True)
    return f"insights:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_dashboard(filters: Filters) -> metrics.Dashboard:
    """The figures for these filters, reused for a short while."""
    return _reused(_key("dashboard", filters), lambda: metrics.dashboard(select(filters)))


def dashboard_body(request: HttpRequest, filters: Filters) -> str:
    """The figures, charts and tables as HTML, reused like the figures they show: drawing
    the charts cost more than everything else on a page served from the cache."""

    def render_body() -> str:
        data = cached_dashboard(filters)
        query = urlencode(filters.as_query())
        money = None if data.suppressed else costs.summary(select(filters), data)
        context = {
            "data": data,
            "charts": present.dashboard_charts(data),
            "breakdown_tables": present.breakdown_tables(data),
            "query": query,
            "exports": list(exports.KINDS.items()),
            "min_group": MIN_GROUP,
            "money": money,
            "money_groups": [
                (_("By unit (hours × the unit's wage)"), money.by_unit if money else []),
                (_("By category (hours × the default wage)"), money.by_category if money else []),
            ],
        }
        return render_to_string("insights/_body.html", context, request)

    return mark_safe(_reused(_key("body", filters), render_body))  # noqa: S308 - our template


def filter_choices() -> dict[str, Any]:
    def units() -> list[str]:
        found = Reporter.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True)
        return list(found.distinct())

    return {
        "categories": Category.objects.order_by("position", "slug"),
        # Distinct units scan every reporter: reused like the figures.
        "units": _reused("insights:units", units),
        "channels": Channel.choices,
    }


@require("insights")
def dashboard(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"choices": filter_choices(), "min_group": MIN_GROUP}
    try:
        filters = parse_filters(request.GET)
    except FilterError as exc:
        context.update(error=str(exc), filters=Filters())
        return render(request, "insights/dashboard.html", context, status=400)
    context.update(filters=filters, body=dashboard_body(request, filters))
    return render(request, "insights/dashboard.html", context)


@require("insights")
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in exports.KINDS or fmt not in exports.FORMATS:
        raise Http404
    try:
        filters = parse_filters(request.GET)
    except FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return exports.response(kind, fmt, select(filters))
