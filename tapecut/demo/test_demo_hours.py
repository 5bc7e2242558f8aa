"""The demo's hours are honest: no report above the cap, no waiting counted, no team x team."""

from __future__ import annotations

import pytest

from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages.impact_patterns import MAX_HOURS_PER_REPORT_YEAR
from tapecut.demo.actions import analyse_demo, do_import_demo
from tapecut.insights import metrics
from tapecut.insights.selection import Filters, select
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from tapecut.analysis.testing import forget_caches

    settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    forget_caches()
    with django_capture_on_commit_callbacks(execute=True):
        do_import_demo()
    analyse_demo()
    yield list(ReportAnalysis.objects.select_related("report"))
    forget_caches()


def test_no_report_above_the_cap_and_no_report_makes_the_total(demo) -> None:  # type: ignore[no-untyped-def]
    hours = [a.hours_per_year for a in demo if a.hours_per_year]
    assert max(hours) <= MAX_HOURS_PER_REPORT_YEAR
    lost = metrics.impact(select(Filters()), Change.objects.none()).hours_lost
    assert lost == pytest.approx(sum(hours), abs=0.1)
    assert max(hours) / lost < 0.25  # was 80 % from one report before
    checked = [a for a in demo if a.impact.get("check")]
    assert all(a.hours_per_year == MAX_HOURS_PER_REPORT_YEAR for a in checked)


def test_the_three_cases_of_the_issue(demo) -> None:  # type: ignore[no-untyped-def]
    by_start = {a.report.subject.split(":")[0].split(",")[0]: a for a in demo}
    meeting = by_start["Monday status meeting"]
    assert (meeting.hours_per_year, meeting.impact["team_total"]) == (38 * 46, True)
    travel = by_start["The travel booking tool forces the cheapest fare"]
    assert travel.hours_per_year is None and travel.impact["waiting_days"] == 5.0
    taxi = by_start["Three signatures for a 12 euro taxi receipt"]
    assert (round(taxi.hours_per_year, 1), taxi.impact["phrase"]) == (0.7, "40 minutes")
