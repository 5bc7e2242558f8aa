"""What red tape costs in money, the way governments measure it: the Standard Cost Model.

Erfüllungsaufwand (compliance cost) per year = time per case × cases per year × hourly labour
cost + cases per year × out-of-pocket cost per case. Time per case is the reports' average,
weighted by the cases each names. Each factor says where it came from: the
words of a report, the team (``CostFactor``, audited), or the wage table (``WageRate``, shipped
from Destatis). A change's expected saving = cases × time saved × wage (+ the out-of-pocket
costs it ends); once done, the realised saving is the expected one times the share of
reporters who answered "yes, it fixed it". Worked example: docs/insights.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext, ngettext

from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.stages.impact_patterns import MAX_HOURS_PER_REPORT_YEAR
from tapecut.insights import wages
from tapecut.insights.models import CostFactor, WageRate
from tapecut.triage import linked
from tapecut.triage.models import Change, FixFeedback, MeToo

CENT = Decimal("0.01")
Name = CostFactor.Name


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Factor:
    name: str
    value: Decimal
    source: str  # where it came from, in words
    origin: str  # "report", "reports", "team", "table" or "none"
    report_id: int | None = None


@dataclass(frozen=True)
class CostModel:
    time_per_case: Factor
    cases_per_year: Factor
    hourly_cost: Factor
    out_of_pocket: Factor
    currency: str

    @property
    def factors(self) -> list[Factor]:
        return [self.time_per_case, self.cases_per_year, self.hourly_cost, self.out_of_pocket]

    @property
    def labour_per_year(self) -> Decimal:
        t, n, w = self.time_per_case.value, self.cases_per_year.value, self.hourly_cost.value
        return money(t * n * w)

    @property
    def out_of_pocket_per_year(self) -> Decimal:
        return money(self.cases_per_year.value * self.out_of_pocket.value)

    @property
    def per_year(self) -> Decimal:
        return self.labour_per_year + self.out_of_pocket_per_year


@dataclass(frozen=True)
class Case:
    """What one report says: time per case, cases a year, and the words behind them."""

    report_id: int
    time: Decimal | None
    cases: Decimal
    phrase: str


def case_of(report_id: int, impact: dict[str, Any], hours: float | None = None) -> Case:
    per = impact.get("hours_per_occurrence")
    if per is None or impact.get("hours_per_year") is None:
        if hours:  # a figure without its parts (set by a person): one case of that size
            return Case(report_id, Decimal(str(hours)), Decimal(1), "a figure set on the report")
        return Case(report_id, None, Decimal(1), "")  # it happened at least once
    people = Decimal(impact.get("people") or 1)
    time = Decimal(str(per)) / people if impact.get("team_total") else Decimal(str(per))
    cases = Decimal(str(impact.get("occurrences_per_year") or 1)) * people
    if time > 0:  # one report counts at most the cap (docs/analysis.md, "Hours")
        cases = min(cases, Decimal(str(MAX_HOURS_PER_REPORT_YEAR)) / time)
    return Case(report_id, time, cases, str(impact.get("phrase") or ""))


def _time(cases: list[Case]) -> Factor:
    """The average time of the cases the reports name, each report weighted by its cases, so
    that time x cases gives back the reports' hours (a median would not)."""
    timed = [c for c in cases if c.time]
    if not timed:
        return Factor(Name.TIME_PER_CASE, Decimal(0), gettext("no report names a time"), "none")
    hours = sum((c.time * c.cases for c in timed if c.time), Decimal(0))
    weight = sum((c.cases for c in timed), Decimal(0))
    most = max(timed, key=lambda c: ((c.time or 0) * c.cases, -c.report_id))
    source = gettext("report #%(report)s: “%(phrase)s”") % {
        "report": most.report_id,
        "phrase": most.phrase,
    }
    if len(timed) > 1:
        source = gettext("%(n)s reports, weighted by their cases; the most from %(most)s") % {
            "n": len(timed),
            "most": source,
        }
    return Factor(Name.TIME_PER_CASE, money(hours / weight), source, "report", most.report_id)


def _cases(cases: list[Case], me_too: int = 0) -> Factor:
    total = sum((c.cases for c in cases), Decimal(me_too))
    named = sum(1 for c in cases if c.time)
    source = ngettext(
        "%(n)s report: the frequency and people it names, or 1",
        "%(n)s reports: the frequency and people %(named)s of them name, 1 for each other",
        len(cases),
    ) % {"n": len(cases), "named": named}
    if me_too:
        source += gettext("; 1 for each of %(n)s “me too”") % {"n": me_too}
    return Factor(Name.CASES_PER_YEAR, money(total), source, "reports")


def wage_for(units: Iterable[str], rates: list[WageRate] | None = None) -> Factor:
    """The row of the unit most reporters belong to, else the default row."""
    rates = list(WageRate.objects.all()) if rates is None else rates
    common = [u for u, _n in Counter(u for u in units if u).most_common(1)]
    rate = next((r for r in rates if common and r.unit == common[0]), None)
    rate = rate or next((r for r in rates if r.is_default), None)
    if rate is None:
        shipped = wages.DEFAULT
        source = gettext("shipped wage table: %(sector)s, %(year)s (%(source)s)") % {
            "sector": shipped.sector,
            "year": wages.YEAR,
            "source": wages.SOURCE,
        }
        return Factor(Name.HOURLY_COST, shipped.hourly_cost, source, "table")
    where = gettext(", unit %(unit)s") % {"unit": rate.unit} if rate.unit else ""
    source = gettext("wage table: %(sector)s%(where)s, %(year)s (%(source)s)") % {
        "sector": rate.sector,
        "where": where,
        "year": rate.year or "",
        "source": rate.source,
    }
    return Factor(Name.HOURLY_COST, rate.hourly_cost, source, "table")


def _team(factor: Factor, overrides: dict[str, CostFactor]) -> Factor:
    set_ = overrides.get(factor.name)
    if set_ is None:
        return factor
    who = set_.set_by.get_username() if set_.set_by else gettext("the team")
    source = gettext("set by %(who)s on %(day)s%(note)s (estimated: %(estimate)s)") % {
        "who": who,
        "day": f"{set_.set_at:%Y-%m-%d}",
        "note": f": {set_.note}" if set_.note else "",
        "estimate": factor.value,
    }
    return Factor(factor.name, set_.value, source, "team")


Row = tuple[int, dict[str, Any], str, float | None]


def model_of(
    rows: list[Row],
    overrides: dict[str, CostFactor],
    rates: list[WageRate] | None = None,
    me_too: int = 0,
) -> CostModel:
    """The cost model of (report id, impact, reporter's unit, hours) rows, the team's first."""
    cases = [case_of(pk, impact or {}, hours) for pk, impact, _unit, hours in rows]
    unnamed = gettext("none named; the team can set it")
    none = Factor(Name.OUT_OF_POCKET, Decimal(0), unnamed, "none")
    found = [_time(cases), _cases(cases, me_too), wage_for((r[2] for r in rows), rates), none]
    t, n, w, oop = (_team(f, overrides) for f in found)
    return CostModel(t, n, w, oop, settings.TAPECUT_CURRENCY)


def _rows(analyses: Any) -> list[Row]:
    fields = ("report_id", "impact", "report__reporter__unit", "hours_per_year")
    return list(analyses.values_list(*fields))


def overrides_for(**target: Any) -> dict[str, CostFactor]:
    rows = CostFactor.objects.filter(**target).select_related("set_by")
    return {row.name: row for row in rows}


def theme_cost(theme: Theme, analyses: Any = None) -> CostModel:
    rows = analyses if analyses is not None else ReportAnalysis.objects.all()
    return model_of(_rows(rows.filter(theme=theme)), overrides_for(theme=theme))


@dataclass(frozen=True)
class Saving:
    model: CostModel
    time_saved: Factor
    expected: Decimal  # a year, when the change is planned
    realised: Decimal | None  # a year, once done and answered
    fixed_share: Decimal | None


def change_saving(change: Change) -> Saving:
    reports = linked.change_reports(change)
    rows = _rows(ReportAnalysis.objects.filter(report__in=reports))
    answers = FixFeedback.objects.filter(change=change).values("answer").annotate(k=Count("id"))
    counts = {row["answer"]: row["k"] for row in answers}
    me_too = MeToo.objects.filter(change=change).count()
    return saving_of(change, rows, overrides_for(change=change), counts, me_too=me_too)


def saving_of(
    change: Change,
    rows: list[Row],
    overrides: dict[str, CostFactor],
    answers: dict[str, int],
    rates: list[WageRate] | None = None,
    me_too: int = 0,
) -> Saving:
    """Each "me too" on the change adds one case a year (a lower bound, like a report that
    names no figure)."""
    model = model_of(rows, overrides, rates, me_too)
    whole = model.time_per_case
    whole_time = gettext("all of the time per case (%(source)s)") % {"source": whole.source}
    saved = Factor(Name.TIME_SAVED, whole.value, whole_time, whole.origin)
    saved = _team(saved, overrides)
    n, w = model.cases_per_year.value, model.hourly_cost.value
    expected = money(n * saved.value * w) + model.out_of_pocket_per_year
    asked = answers.get("yes", 0) + answers.get("no", 0)
    share = Decimal(answers.get("yes", 0)) / asked if asked else None
    done = change.status == Change.Status.DONE
    realised = money(expected * share) if done and share is not None else None
    return Saving(model, saved, expected, realised, share)


@dataclass(frozen=True)
class ThemeCost:
    theme_id: int
    label: str
    per_year: Decimal


@dataclass(frozen=True)
class Summary:
    """The dashboard's money: lost a year, expected and realised savings, by theme."""

    lost: Decimal
    rest: Decimal  # themes not listed and reports in no theme: their hours x the default wage
    expected: Decimal
    realised: Decimal
    themes: list[ThemeCost]
    currency: str
    by_unit: list[tuple[str, Decimal]]  # (label, a year): hours x the unit's wage
    by_category: list[tuple[str, Decimal]]  # (label, a year): hours x the default wage


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = defaultdict(list)
    for key, *row in rows:
        out[key].append(tuple(row))  # type: ignore[arg-type]
    return out


def _overrides(**lookup: Any) -> dict[int, dict[str, CostFactor]]:
    key = next(iter(lookup)).split("__")[0] + "_id"
    out: dict[int, dict[str, CostFactor]] = defaultdict(dict)
    for row in CostFactor.objects.filter(**lookup).select_related("set_by"):
        out[getattr(row, key)][row.name] = row
    return out


def _savings(changes: list[Change], rates: list[WageRate]) -> list[Saving]:
    """Every change's saving in a handful of queries (the dashboard lists hundreds)."""
    ids = [c.pk for c in changes]
    report_of = list(linked.links(Q(change_id__in=ids)).values_list("change_id", "report_id"))
    fields = ("report_id", "impact", "report__reporter__unit", "hours_per_year")
    wanted = {r for _c, r in report_of}
    by_report = {
        r[0]: r for r in ReportAnalysis.objects.filter(report_id__in=wanted).values_list(*fields)
    }
    rows: dict[int, list[Row]] = defaultdict(list)
    for change_id, report_id in report_of:
        if report_id in by_report:
            rows[change_id].append(by_report[report_id])
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    feedback = FixFeedback.objects.filter(change_id__in=ids).values("change_id", "answer")
    for row in feedback.annotate(k=Count("id")):
        answers[row["change_id"]][row["answer"]] = row["k"]
    overrides = _overrides(change_id__in=ids)
    demand = MeToo.objects.filter(change_id__in=ids).values("change_id").annotate(k=Count("id"))
    me_too = {row["change_id"]: row["k"] for row in demand}
    return [
        saving_of(c, rows[c.pk], overrides[c.pk], answers[c.pk], rates, me_too.get(c.pk, 0))
        for c in changes
    ]


def summary(sel: Any, data: Any) -> Summary:
    """The dashboard's money for a selection, in a fixed number of queries."""
    from tapecut.insights import metrics

    rates = list(WageRate.objects.all())
    shown = [g for g in data.impact.hours_by_theme if not g.is_other]
    ids = [int(g.key) for g in shown]
    fields = ("theme_id", "report_id", "impact", "report__reporter__unit", "hours_per_year")
    grouped = _grouped(metrics.analyses(sel).filter(theme_id__in=ids).values_list(*fields))
    overrides = _overrides(theme_id__in=ids)
    rows = [
        ThemeCost(pk, g.label, model_of(grouped[pk], overrides[pk], rates).per_year)
        for g, pk in zip(shown, ids, strict=True)
    ]
    rest_hours = Decimal(str(data.impact.hours_lost)) - sum(
        (Decimal(str(g.value)) for g in shown), Decimal(0)
    )
    rest = money(max(rest_hours, Decimal(0)) * wage_for([], rates).value)
    changes = list(metrics.linked_changes(sel).exclude(status=Change.Status.DECLINED))
    expected = realised = Decimal(0)
    for change, saving in zip(changes, _savings(changes, rates), strict=True):
        if change.status == Change.Status.DONE:
            realised += saving.realised or Decimal(0)
        else:
            expected += saving.expected
    lost = sum((r.per_year for r in rows), Decimal(0)) + rest
    by_unit, by_category = _by_group(sel, rates)
    return Summary(
        lost, rest, expected, realised, rows, settings.TAPECUT_CURRENCY, by_unit, by_category
    )


def _by_group(sel: Any, rates: list[WageRate]) -> tuple[list[Any], list[Any]]:
    """Hours valued at the wage, by unit and by category, small groups folded (rule of five)."""
    from tapecut.insights import metrics
    from tapecut.insights.privacy import Group, fold

    analyses = metrics.analyses(sel)
    default = wage_for([], rates).value
    out = []
    for field in ("report__reporter__unit", "category_id"):
        rows = analyses.values(field).annotate(n=Count("id"), h=Sum("hours_per_year"))
        groups = [
            Group(str(r[field] or ""), str(r[field] or ""), r["n"], r["h"] or 0.0) for r in rows
        ]
        labels = _labels(field)
        shown = []
        for g in fold(groups, metrics.other_label(), by_value=True):
            unit = g.key if field.endswith("unit") and not g.is_other else ""
            wage = wage_for([unit], rates).value if unit else default
            label = g.label if g.is_other else labels.get(g.key, g.key) or metrics.other_label()
            shown.append((label, money(Decimal(str(g.value)) * wage)))
        out.append(shown)
    return out[0], out[1]


def _labels(field: str) -> dict[str, str]:
    from tapecut.analysis.models import Category
    from tapecut.insights import metrics

    if field.endswith("unit"):
        return {"": gettext("unknown")}
    names = {str(c.pk): metrics.category_label(c) for c in Category.objects.all()}
    return {"": gettext("no category")} | names
