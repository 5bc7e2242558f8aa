"""The Standard Cost Model on a worked example whose euros are computed by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages.impact import estimate_impact
from tapecut.core.models import AuditEvent
from tapecut.insights import costs
from tapecut.insights.cost_actions import CostError, do_set_cost_factor
from tapecut.insights.models import WageRate
from tapecut.triage import actions
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, FixFeedback, MeToo, Notice
from tapecut.triage.personas import make_user

pytestmark = pytest.mark.django_db

TEXTS = [
    "Each claim takes me 30 minutes and I travel twice a month.",
    "It takes 30 minutes every week, for all 12 people in my team.",
    "Please fix the travel form.",
]


@pytest.fixture
def travel() -> Any:
    reports = [make_report("Travel claims", text) for text in TEXTS]
    theme = make_theme("Travel claims", reports)
    for report, text in zip(reports, TEXTS, strict=True):
        found = estimate_impact(text)
        ReportAnalysis.objects.filter(report=report).update(
            impact=found.as_json(), hours_per_year=found.hours_per_year
        )
    return theme, reports


def test_worked_example(travel: Any, personas: Any) -> None:
    """The euros of one theme and its change, by hand.

    Reports (time per case, cases a year):
      1. "30 minutes", "twice a month", the reporter alone:     0.50 h,  2 x 12 x 1  =  24
      2. "30 minutes", "every week", "all 12 people":           0.50 h,  46 x 12     = 552
      3. no figure: it happened at least once:                    -    ,              =   1
    Time per case: the average over the cases that name one, weighted by cases:
    (0.50 x 24 + 0.50 x 552) / 576 = 0.50 h (most of it from report 2). Cases per year:
    24 + 552 + 1 = 577. Hourly labour cost: the wage table's
    default row, Destatis 2024, 43.40 EUR.
      labour           0.50 x 577 x 43.40 = 12,520.90 EUR a year
    The team sets out-of-pocket costs of 12.00 EUR per case (postage, printing):
      out of pocket    577 x 12.00        =  6,924.00 EUR a year
      Erfüllungsaufwand                    = 19,444.90 EUR a year
    A change made from the theme links the three reports; it removes the step, so the time
    saved per case is the whole 0.50 h:
      expected saving  577 x 0.50 x 43.40 = 12,520.90 EUR a year (no out-of-pocket cost of its own)
    Done, and three of four reporters answer "yes, it fixed it":
      realised saving  12,520.90 x 3/4    =  9,390.675 -> 9,390.68 EUR a year
    """
    theme, reports = travel
    model = costs.theme_cost(theme)
    assert [f.value for f in model.factors] == [
        Decimal("0.50"),
        Decimal("577.00"),
        Decimal("43.40"),
        Decimal("0"),
    ]
    assert model.time_per_case.report_id == reports[1].pk
    assert "“30 minutes”" in model.time_per_case.source
    assert "Destatis" in model.hourly_cost.source and model.currency == "EUR"
    assert model.labour_per_year == Decimal("12520.90")

    do_set_cost_factor(theme, "out_of_pocket", "12", actor=personas.triager, note="postage")
    model = costs.theme_cost(theme)
    assert model.out_of_pocket_per_year == Decimal("6924.00")
    assert model.per_year == Decimal("19444.90")
    assert model.out_of_pocket.origin == "team" and "tom" in model.out_of_pocket.source

    change = actions.do_create_change(title="Online claims", actor=personas.triager, themes=[theme])
    saving = costs.change_saving(change)
    assert (saving.expected, saving.realised) == (Decimal("12520.90"), None)
    client = Client()
    client.force_login(personas.triager)
    page = client.get(f"/changes/{change.pk}/").content.decode()
    assert f'href="/insights/cost/changes/{change.pk}/"' in page
    assert "12,520.90" in client.get(f"/insights/cost/changes/{change.pk}/").content.decode()
    for person in ("ann", "ben", "cem"):  # "me too": one case a year each, 577 + 3 = 580
        MeToo.objects.create(change=change, user=make_user(person))
    assert costs.change_saving(change).expected == Decimal("12586.00")  # 580 x 0.50 x 43.40
    MeToo.objects.filter(change=change).delete()
    for answer in ("yes", "yes", "yes", "no"):
        notice = Notice.objects.create(kind="question", report=reports[0], channel="email")
        FixFeedback.objects.create(notice=notice, change=change, answer=answer)
    Change.objects.filter(pk=change.pk).update(status="done")
    change.refresh_from_db()
    saving = costs.change_saving(change)
    assert (saving.fixed_share, saving.realised) == (Decimal("0.75"), Decimal("9390.68"))


def test_team_figures_are_audited_and_can_go_back(travel: Any, personas: Any) -> None:
    theme, _reports = travel
    do_set_cost_factor(theme, "time_per_case", "1,5", actor=personas.triager, note="timed")
    assert costs.theme_cost(theme).labour_per_year == Decimal("37562.70")  # 1.5 x 577 x 43.40
    event = AuditEvent.objects.get(verb="cost.factor")
    assert event.detail == {
        "factor": "time_per_case",
        "old": None,
        "new": "1.5",
        "note": "timed",
    }
    do_set_cost_factor(theme, "time_per_case", "", actor=personas.triager)
    assert costs.theme_cost(theme).time_per_case.origin == "report"
    with pytest.raises(CostError):
        do_set_cost_factor(theme, "time_per_case", "a lot", actor=personas.triager)


def test_a_unit_with_its_own_wage_row(travel: Any) -> None:
    theme, reports = travel
    for report in reports:
        assert report.reporter is not None
        report.reporter.unit = "Legal"
        report.reporter.save()
    WageRate.objects.create(sector="Legal", unit="Legal", hourly_cost="60.00", year=2024)
    assert costs.theme_cost(theme).hourly_cost.value == Decimal("60.00")


def test_the_dashboard_links_each_figure_to_its_factors(travel: Any, personas: Any) -> None:
    from django.test import Client

    theme, _reports = travel
    more = [make_report("Travel", "Each claim takes me 2 hours, twice a month.") for _ in range(3)]
    for report in more:
        found = estimate_impact(report.text)
        ReportAnalysis.objects.update_or_create(
            report=report,
            defaults={
                "theme": theme,
                "impact": found.as_json(),
                "hours_per_year": found.hours_per_year,
            },
        )
    client = Client()
    client.force_login(personas.triager)
    page = client.get("/insights/").content.decode()
    link = f'href="/insights/cost/themes/{theme.pk}/"'
    assert "Cost of red tape" in page and link in page
    assert "By unit (hours × the unit" in page and "By category" in page
    response = client.get(f"/insights/cost/themes/{theme.pk}/")
    assert response.status_code == 200, response
    breakdown = response.content.decode()
    median = costs.theme_cost(theme).time_per_case.report_id
    assert "Erfüllungsaufwand" in breakdown and f"/reports/{median}/" in breakdown
    client.post(
        f"/insights/cost/themes/{theme.pk}/",
        {"factor": "out_of_pocket", "value": "3.50", "note": "postage"},
    )
    assert costs.theme_cost(theme).out_of_pocket.value == Decimal("3.50")
    leader = Client()
    leader.force_login(personas.leader)
    leader.post(f"/insights/cost/themes/{theme.pk}/", {"factor": "out_of_pocket", "value": "9"})
    assert costs.theme_cost(theme).out_of_pocket.value == Decimal("3.50")  # leaders only read


def test_german_wording_as_the_method_uses_it(travel: Any, personas: Any) -> None:
    from django.test import Client

    theme, _reports = travel
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(personas.leader)
    page = client.get(f"/insights/cost/themes/{theme.pk}/").content.decode()
    assert "Erfüllungsaufwand nach dem Standardkostenmodell" in page
    assert "Zeitaufwand je Fall" in page and "Lohnkosten je Stunde" in page


def test_where_each_factor_comes_from_reads_in_the_readers_language(
    travel: Any, personas: Any
) -> None:
    theme, _reports = travel
    do_set_cost_factor(theme, "out_of_pocket", "12.00", actor=personas.triager, note="Porto")
    url = f"/insights/cost/themes/{theme.pk}/"
    said = {}
    for language in ("de", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(personas.leader)
        said[language] = " ".join(client.get(url).content.decode().split())
    german, english = said["de"], said["en"]
    assert "2 Meldungen, nach ihren Fällen gewichtet; das meiste aus Meldung #" in german
    assert (
        "3 Meldungen: die Häufigkeit und die Personen, die 2 davon nennen, 1 für jede andere"
        in (german)
    )
    assert "Lohntabelle: " in german and "gesetzt von tom am " in german
    assert ": Porto (geschätzt: 0)" in german
    for words in ("reports, weighted", "wage table", "set by", "estimated"):
        assert words not in german, words
        assert words in english, words


def test_an_emptied_wage_table_falls_back_to_the_shipped_default() -> None:
    """A flushed or emptied table must not turn every cost into zero euros."""
    WageRate.objects.all().delete()
    factor = costs.wage_for(["Finance"])
    assert factor.value == Decimal("43.40")
    assert factor.origin == "table"
    assert "shipped wage table" in factor.source and "Destatis" in factor.source
