"""Every number the dashboard, the exports, the API and the digest show, as query functions.

Nothing here writes. Each function takes a ``Selection`` (tapecut.insights.selection) and
answers with aggregate queries, so that the dashboard stays fast with 100,000 reports. What
each number means is in docs/insights.md; the speed figures are in tapecut.insights.speed.

A change belongs to a selection when one of its reports is linked to it (tapecut.triage.linked:
the same links every other count of a change's reports reads).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tapecut.ai import registry
from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis, Theme
from tapecut.insights import series
from tapecut.insights.privacy import Group, big_enough, fold
from tapecut.insights.selection import Selection, in_period
from tapecut.insights.speed import Speed, speed
from tapecut.intake.models import Channel, Report
from tapecut.ledger.budget import BudgetStatus
from tapecut.ledger.models import ModelCall
from tapecut.triage import linked
from tapecut.triage.models import Change, FixFeedback

DONE = Change.Status.DONE
# Lists of ids longer than this go to the database as subqueries (SQLite limits parameters).
MAX_IDS = 900
# The dashboard lists the themes that cost most; the themes export has them all.
DASHBOARD_THEMES = 20


def other_label() -> str:
    return _("other (fewer than 5)")


@dataclass(frozen=True)
class Funnel:
    received: int
    distinct: int  # received, less those merged into another report
    themes: int
    changes_proposed: int  # every linked change, whatever its status now
    changes_done: int
    changes_declined: int


@dataclass(frozen=True)
class Impact:
    hours_lost: float
    hours_by_theme: list[Group]  # the largest ones, where the dashboard shows only those
    themes_not_shown: int
    hours_saved: float
    fix_yes: int
    fix_no: int
    fix_rate: float | None  # yes / answers, in %; None below MIN_GROUP answers
    re_reports: int


@dataclass(frozen=True)
class CostLine:
    backend: str
    purpose: str
    calls: int
    usd: Decimal


@dataclass(frozen=True)
class Cost:
    total_usd: Decimal
    lines: list[CostLine]
    per_report_usd: Decimal | None
    per_done_change_usd: Decimal | None
    budget: BudgetStatus
    budget_used_pct: float | None


@dataclass(frozen=True)
class Breakdowns:
    by_category: list[Group]
    by_unit: list[Group]
    by_channel: list[Group]


def analyses(sel: Selection) -> QuerySet[ReportAnalysis]:
    return ReportAnalysis.objects.filter(sel.q()).order_by()


def theme_counts(sel: Selection) -> dict[int, tuple[int, float]]:
    """Per theme of the selection's reports: (reports, hours lost per year)."""

    def compute() -> dict[int, tuple[int, float]]:
        rows = (
            analyses(sel)
            .filter(theme__isnull=False)
            .values("theme_id")
            .annotate(n=Count("id"), hours=Sum("hours_per_year"))
        )
        return {r["theme_id"]: (r["n"], round(float(r["hours"] or 0), 2)) for r in rows}

    return sel.memo("themes", compute)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), MAX_IDS):
        yield ids[i : i + MAX_IDS]


def linked_change_ids(sel: Selection) -> set[int]:
    def compute() -> set[int]:
        direct = linked.links(sel.q()).order_by()
        return set(direct.values_list("change_id", flat=True).distinct())

    return sel.memo("changes", compute)


def linked_changes(sel: Selection) -> QuerySet[Change]:
    """The changes linked to the selection's reports."""
    ids = linked_change_ids(sel)
    if len(ids) <= MAX_IDS:
        return Change.objects.filter(pk__in=sorted(ids)).order_by()
    # Too many to list in one query: the same set as a subquery (slower, never truncated).
    return Change.objects.filter(pk__in=linked.links(sel.q()).values("change_id")).order_by()


def merged_count(sel: Selection) -> int:
    merged = DuplicateLink.objects.filter(sel.q(), state=DuplicateLink.State.MERGED)
    return merged.values("report_id").distinct().count()


def funnel(sel: Selection) -> Funnel:
    rows = linked_changes(sel).values("status").annotate(n=Count("id")).order_by()
    statuses = {row["status"]: row["n"] for row in rows}
    return Funnel(
        received=sel.count,
        distinct=sel.count - merged_count(sel),
        themes=len(theme_counts(sel)),
        changes_proposed=sum(statuses.values()),
        changes_done=statuses.get(DONE, 0),
        changes_declined=statuses.get(Change.Status.DECLINED, 0),
    )


def category_label(category: Category | None) -> str:
    if category is None:
        return _("no category")
    german = (get_language() or "").startswith("de") and category.name_de
    return (category.name_de if german else category.name_en) or category.slug


def by_category(sel: Selection) -> list[Group]:
    # Grouped by the integer key alone: grouping 100,000 rows by names is several times slower.
    rows = analyses(sel).values("category_id").annotate(n=Count("id"))
    counts = {row["category_id"]: row["n"] for row in rows}
    unanalysed = sel.count - sum(counts.values())  # no analysis yet: no category either
    counts[None] = counts.get(None, 0) + unanalysed
    names = Category.objects.in_bulk([pk for pk in counts if pk is not None])
    groups = []
    for pk, n in counts.items():
        category = names.get(pk) if pk is not None else None
        groups.append(Group(category.slug if category else "", category_label(category), n))
    return fold(groups, other_label())


def by_unit(sel: Selection) -> list[Group]:
    counts: dict[str, int] = {}
    for row in sel.reports.values("reporter__unit").annotate(n=Count("id")):
        unit = row["reporter__unit"] or ""  # no reporter and no unit are both "unknown"
        counts[unit] = counts.get(unit, 0) + row["n"]
    groups = [Group(unit, unit or _("unknown"), n) for unit, n in counts.items()]
    return fold(groups, other_label())


def by_channel(sel: Selection) -> list[Group]:
    names = dict(Channel.choices)
    rows = sel.reports.values("channel").annotate(n=Count("id"))
    groups = [Group(r["channel"], str(names.get(r["channel"], r["channel"])), r["n"]) for r in rows]
    return fold(groups, other_label())


def breakdowns(sel: Selection) -> Breakdowns:
    return Breakdowns(by_category(sel), by_unit(sel), by_channel(sel))


def theme_groups(sel: Selection) -> list[Group]:
    """Themes by hours lost, most first, small ones folded (labels not filled in yet)."""
    counts = theme_counts(sel)
    groups = [Group(str(pk), "", n, h) for pk, (n, h) in counts.items()]
    return fold(groups, other_label(), by_value=True)


def hours_by_theme(sel: Selection, limit: int | None = None) -> list[Group]:
    """The first ``limit`` of ``theme_groups``, with their titles."""
    shown = theme_groups(sel)[:limit]
    ids = [int(g.key) for g in shown if not g.is_other]
    themes = Theme.objects.only(*Theme.LABEL_FIELDS).in_bulk(ids)
    return [g if g.is_other else replace(g, label=themes[int(g.key)].label) for g in shown]


def done_report_analyses(sel: Selection) -> QuerySet[ReportAnalysis]:
    """Analyses of the selection's reports that a done change answers."""
    done = linked.links(Q(change__status=DONE)).values("report_id")
    return analyses(sel).filter(report_id__in=done)


def re_reports(sel: Selection) -> int:
    """Reports that joined a done change's theme after it was done."""
    late = analyses(sel).filter(
        theme__changes__status=DONE,
        report__received_at__gt=F("theme__changes__done_at"),
    )
    return late.values("report_id").distinct().count()


def impact(sel: Selection, changes: QuerySet[Change], theme_limit: int | None = None) -> Impact:
    total = analyses(sel).aggregate(h=Sum("hours_per_year"))["h"] or 0.0
    saved = done_report_analyses(sel).aggregate(h=Sum("hours_per_year"))["h"] or 0.0
    answers = FixFeedback.objects.filter(change__in=changes.values("id")).order_by()
    counts = {r["answer"]: r["n"] for r in answers.values("answer").annotate(n=Count("id"))}
    yes, no = counts.get("yes", 0), counts.get("no", 0)
    shown = hours_by_theme(sel, theme_limit)
    return Impact(
        hours_lost=round(float(total), 2),
        hours_by_theme=shown,
        themes_not_shown=len(theme_groups(sel)) - len(shown),
        hours_saved=round(float(saved), 2),
        fix_yes=yes,
        fix_no=no,
        fix_rate=round(100 * yes / (yes + no), 1) if big_enough(yes + no) else None,
        re_reports=re_reports(sel),
    )


def _per(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(Decimal("0.0001")) if count else None


def cost(sel: Selection) -> Cost:
    """Model spend in the selection's period (calls are not filtered by category, unit or
    channel: most of them serve many reports at once)."""
    calls = in_period(ModelCall._default_manager.all(), "at", sel.filters).order_by()
    rows = calls.values("backend", "purpose").annotate(n=Count("id"), usd=Sum("cost_usd"))
    lines = sorted(
        (CostLine(r["backend"], r["purpose"], r["n"], Decimal(r["usd"] or 0)) for r in rows),
        key=lambda c: (-c.usd, c.backend, c.purpose),
    )
    total = sum((line.usd for line in lines), Decimal(0))
    received = in_period(Report.objects.all(), "received_at", sel.filters).count()
    done = in_period(Change.objects.filter(status=DONE), "done_at", sel.filters).count()
    budget = registry.budget_status()
    used = float(100 * budget.spent_usd / budget.limit_usd) if budget.limit_usd > 0 else None
    return Cost(
        total_usd=total,
        lines=lines,
        per_report_usd=_per(total, received),
        per_done_change_usd=_per(total, done),
        budget=budget,
        budget_used_pct=round(used, 1) if used is not None else None,
    )


@dataclass(frozen=True)
class Dashboard:
    """Everything on the dashboard; ``suppressed`` leaves out all that counts reports."""

    computed_at: datetime
    count: int
    suppressed: bool
    funnel: Funnel | None
    breakdowns: Breakdowns | None
    speed: Speed | None
    impact: Impact | None
    over_time: series.OverTime | None
    cost: Cost


def dashboard(sel: Selection, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    spend = cost(sel)
    if sel.suppressed:
        return Dashboard(now, sel.count, True, None, None, None, None, None, spend)
    changes = linked_changes(sel)
    return Dashboard(
        computed_at=now,
        count=sel.count,
        suppressed=False,
        funnel=funnel(sel),
        breakdowns=breakdowns(sel),
        speed=speed(sel, changes, now),
        impact=impact(sel, changes, theme_limit=DASHBOARD_THEMES),
        over_time=series.over_time(sel, changes, today=timezone.localdate(now)),
        cost=spend,
    )
