"""Themes: the list, and one theme with its reports, figures and weekly trend."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from tapecut.accounts.permissions import require
from tapecut.analysis.models import ReportAnalysis, Theme, ThemeEdit
from tapecut.intake.models import Report

TREND_WEEKS = 26
BAR_WIDTH = 14
CHART_HEIGHT = 80


@dataclass(frozen=True)
class Bar:
    week: dt.date
    count: int
    x: int
    y: int
    height: int


@require("triage")
def theme_list(request: HttpRequest) -> HttpResponse:
    # report_count is kept by analysis and by every move in triage (themes.update_stats):
    # counting the analyses here would join every report on each view of the list. Demand
    # (employees who said "me too" on the theme's changes) counts as more people affected.
    themes = (
        Theme.objects.defer("centroid", "summary")
        .annotate(
            change_count=Count("changes", distinct=True),
            demand=Count("changes__me_too__user", distinct=True),
        )
        .annotate(weight=F("report_count") + F("demand"))
        .order_by("-weight", "-report_count", "-id")
    )
    page = Paginator(themes, 50).get_page(request.GET.get("page"))
    for theme in page:
        theme.shown = theme.label_in(request.LANGUAGE_CODE)  # type: ignore[attr-defined]
    return render(request, "triage/theme_list.html", {"page": page})


@require("triage")
def theme_page(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("category"), pk=pk)
    reports = Report.objects.filter(analysis__theme=theme).select_related(
        "reporter", "analysis__proposed_theme"
    )
    hours = ReportAnalysis.objects.filter(theme=theme).aggregate(total=Sum("hours_per_year"))
    dates = list(reports.values_list("received_at", flat=True))
    bars = weekly_bars(dates, timezone.now().date())
    proposed = (
        Report.objects.filter(analysis__proposed_theme=theme)
        .exclude(analysis__theme=theme)
        .select_related("analysis__theme")
    )
    context = {
        "theme": theme,
        # Reports re-clustering would move here; the team accepts them (or not).
        "proposed": proposed.order_by("-received_at")[:200],
        "proposed_total": proposed.count(),
        "reports": reports.order_by("-received_at")[:200],
        "report_total": len(dates),
        "hours_per_year": theme.hours_per_year or hours["total"] or 0,
        "bars": bars,
        "chart_width": BAR_WIDTH * len(bars),
        "chart_height": CHART_HEIGHT,
        "peak": max((bar.count for bar in bars), default=0),
        "changes": theme.changes.all(),
        "needs_attention": theme.changes.filter(needs_attention=True).exists(),
        "title": theme.label_in(request.LANGUAGE_CODE),
        "other_themes": Theme.objects.exclude(pk=theme.pk)
        .filter(report_count__gt=0)
        .only(*Theme.LABEL_FIELDS)
        .order_by("-report_count")[:300],
        # Its own operations and those that changed it (a split made from it, a merge into it).
        "edits": ThemeEdit.objects.filter(
            Q(theme=theme) | Q(before__themes__has_key=str(theme.pk))
        ).select_related("actor")[:10],
    }
    return render(request, "triage/theme.html", context)


def weekly_bars(dates: list[dt.datetime], today: dt.date, weeks: int = TREND_WEEKS) -> list[Bar]:
    """Reports per week (weeks start on Monday) for the last ``weeks`` weeks, as SVG bars."""
    this_monday = today - dt.timedelta(days=today.weekday())
    starts = [this_monday - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    counts = Counter(
        d.date() - dt.timedelta(days=d.date().weekday()) for d in dates if d is not None
    )
    peak = max((counts[s] for s in starts), default=0) or 1
    bars = []
    for i, start in enumerate(starts):
        height = round(counts[start] / peak * (CHART_HEIGHT - 4))
        bars.append(Bar(start, counts[start], i * BAR_WIDTH, CHART_HEIGHT - height, height))
    return bars
