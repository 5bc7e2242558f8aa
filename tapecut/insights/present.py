"""How the numbers read: formatted in the user's language, and the dashboard's charts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tapecut.insights import charts
from tapecut.insights.charts import Bar, Series
from tapecut.insights.metrics import Dashboard, Funnel
from tapecut.insights.privacy import Group
from tapecut.insights.series import OverTime

NONE = "–"
# The themes chart shows the largest ones; the table below it lists them all.
CHART_THEMES = 10


def num(value: int | float | Decimal | None, places: int = 0) -> str:
    """A number with grouping, in the active language ("1,234.5" / "1.234,5")."""
    if value is None:
        return NONE
    # Django cuts surplus decimals off; round them first, as Python's own formatting does.
    rounded = Decimal(f"{value:.{places}f}")
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=True)


def usd(value: Decimal | None, places: int = 2) -> str:
    return NONE if value is None else "$" + num(value, places)


def in_days(hours: float | None) -> float | None:
    return None if hours is None else hours / 24


def month_label(month: date) -> str:
    return formats.date_format(month, "M y", use_l10n=True)


def funnel_chart(funnel: Funnel) -> SafeString:
    steps = [
        (_("Reports received"), funnel.received, "funnel.received"),
        (_("Distinct problems"), funnel.distinct, "funnel.distinct"),
        (_("Themes"), funnel.themes, "funnel.themes"),
        (_("Changes proposed"), funnel.changes_proposed, "funnel.changes_proposed"),
        (_("Changes done"), funnel.changes_done, "funnel.changes_done"),
        (_("Changes declined"), funnel.changes_declined, "funnel.changes_declined"),
    ]
    bars = [Bar(label, value, num(value), metric) for label, value, metric in steps]
    return charts.hbars(_("From report to change"), bars)


def theme_chart(groups: list[Group]) -> SafeString:
    bars = [
        Bar(g.label, g.value, num(g.value, 1), f"impact.theme.{g.key}.hours")
        for g in groups[:CHART_THEMES]
    ]
    return charts.hbars(
        _("Hours lost per year, by theme"), bars, colour=charts.PALETTE[3], width=1100
    )


def over_time_charts(over_time: OverTime) -> tuple[SafeString, SafeString]:
    labels = [month_label(m.start) for m in over_time.months]
    keys = [f"{m.start:%Y-%m}" for m in over_time.months]

    def series(name: str, field: str) -> Series:
        values = [getattr(m, field) for m in over_time.months]
        bars = [
            Bar(label, v, num(v), f"over_time.{field}.{key}")
            for label, v, key in zip(labels, values, keys, strict=True)
        ]
        return Series(name, bars)

    reports = charts.columns(
        _("Reports received per month"), labels, [series(_("Reports"), "reports")]
    )
    changes = charts.columns(
        _("Changes per month"),
        labels,
        [series(_("Proposed"), "changes_proposed"), series(_("Done"), "changes_done")],
    )
    return reports, changes


def done_days_chart(done_days: list[tuple[str, int]]) -> SafeString:
    # Translators: a range of days on a chart's axis ("0–7 d").
    shown = [(_("%(days)s d") % {"days": label}, label, n) for label, n in done_days]
    bars = [Bar(text, n, num(n), f"speed.done_days.{label}") for text, label, n in shown]
    return charts.columns(
        _("Days from proposal to done"),
        [text for text, _label, _n in shown],
        [Series(_("Changes"), bars)],
    )


def dashboard_charts(data: Dashboard) -> dict[str, SafeString]:
    if data.suppressed or data.funnel is None:
        return {}
    assert data.impact is not None and data.over_time is not None and data.speed is not None
    reports, changes = over_time_charts(data.over_time)
    return {
        "funnel": funnel_chart(data.funnel),
        "themes": theme_chart(data.impact.hours_by_theme),
        "reports_per_month": reports,
        "changes_per_month": changes,
        "done_days": done_days_chart(data.speed.done_days),
    }


def breakdown_tables(data: Dashboard) -> list[tuple[str, str, list[Group]]]:
    if data.breakdowns is None:
        return []
    return [
        ("category", _("By category"), data.breakdowns.by_category),
        ("unit", _("By unit"), data.breakdowns.by_unit),
        ("channel", _("By channel"), data.breakdowns.by_channel),
    ]
