"""Every number on the dashboard against the seeded world, worked out independently."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tapecut.insights.conftest import expected
from tapecut.insights.testing import REPORTS
from tapecut.intake.models import Report

pytestmark = pytest.mark.django_db


class Metrics(HTMLParser):
    """Collects the text of every element with a data-metric attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, set[str]] = {}
        self.open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("data-metric")
        if name:
            self.open.append((tag, name, []))

    def handle_data(self, data: str) -> None:
        for _tag, _name, parts in self.open:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            _tag, name, parts = self.open.pop()
            self.found.setdefault(name, set()).add("".join(parts).strip())


def shown(html: str) -> dict[str, str]:
    parser = Metrics()
    parser.feed(html)
    differing = {k: v for k, v in parser.found.items() if len(v) != 1}
    assert not differing, f"one number, shown differently in two places: {differing}"
    return {k: next(iter(v)) for k, v in parser.found.items()}


def page(client: Client, **query: str) -> str:
    response = client.get("/insights/", query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def leader(personas: Any) -> Client:
    client = Client()
    client.force_login(personas.leader)
    return client


def test_every_number_on_the_dashboard(leader: Client, world: Any) -> None:
    got = shown(page(leader))
    want = expected(world)
    assert got == want


def test_every_number_for_a_period(leader: Client, world: Any) -> None:
    today = timezone.localdate(world.base)
    start, end = today - timedelta(days=45), today - timedelta(days=3)
    got = shown(page(leader, **{"from": start.isoformat(), "to": end.isoformat()}))
    assert got == expected(world, start, end)


@pytest.mark.parametrize(
    "query",
    [{"unit": "Finance"}, {"category": "approvals"}, {"channel": "form"}, {"unit": "Research"}],
)
def test_every_number_for_a_unit_category_or_channel(
    leader: Client, world: Any, query: dict[str, str]
) -> None:
    assert shown(page(leader, **query)) == expected(world, None, None, **query)


def test_a_selection_of_fewer_than_five_reports_shows_no_report_figures(
    leader: Client, world: Any
) -> None:
    html = page(leader, unit="Legal")  # two reports
    got = shown(html)
    assert got == expected(world, unit="Legal")
    assert not [k for k in got if not k.startswith("cost.")]
    assert "Fewer than 5 reports match" in html


def test_the_page_has_no_inline_script_and_charts_are_svg(leader: Client, world: Any) -> None:
    html = page(leader)
    assert "<script>" not in html and "<script " not in html.replace(
        '<script src="/static/vendor/htmx/htmx.min.js" defer></script>', ""
    )
    assert html.count('<svg class="chart"') == 5
    assert "#E69F00" in html and "#0072B2" in html  # Okabe–Ito


def test_the_dashboard_speaks_german(personas: Any, world: Any) -> None:
    client = Client(headers={"accept-language": "de"})
    client.force_login(personas.leader)
    html = client.get("/insights/").content.decode()
    assert "Von der Meldung zur Änderung" in html and "Eingegangene Meldungen" in html
    # German number format: 45,0 hours saved (45.0 in English).
    assert shown(html)["impact.hours_saved"] == "45,0"


def test_bad_filters_are_answered_with_a_clear_error(leader: Client, world: Any) -> None:
    response = leader.get("/insights/", {"from": "31.12.2026"})
    assert response.status_code == 400
    assert "must be a date like 2026-03-31" in response.content.decode()
    response = leader.get("/insights/", {"category": "no-such-thing"})
    assert response.status_code == 400
    assert "There is no category" in response.content.decode()
    response = leader.get("/insights/", {"from": "2026-05-02", "to": "2026-05-01"})
    assert response.status_code == 400


def test_the_figures_are_reused_for_a_short_while(leader: Client, world: Any) -> None:
    cache.clear()
    with override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=60):
        with CaptureQueriesContext(connection) as first:
            before = shown(page(leader, unit="Finance"))
        Report.objects.create(channel="form", received_at=world.base)
        with CaptureQueriesContext(connection) as second:
            after = shown(page(leader, unit="Finance"))
        assert after == before and len(second) < len(first) / 3
        # Other filters, other figures: the new report counts there at once.
        everyone = shown(page(leader))
        assert everyone["funnel.received"] == str(len(REPORTS) + 1)
    cache.clear()
