"""/api/v1/insights/*: the dashboard's numbers, with the dashboard's filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tapecut.accounts.actions import do_create_token
from tapecut.insights.conftest import d1, expected, n, usd

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(user)[1]}")


def read(client: Client, what: str, **query: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/insights/{what}", query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def as_shown(funnel: dict[str, Any], speed: dict[str, Any], impact: dict[str, Any]) -> dict:
    """The API's numbers, formatted as the English dashboard formats them."""
    out = {f"funnel.{k}": n(v) for k, v in funnel["funnel"].items()}
    for name in ("category", "unit", "channel"):
        for g in funnel[f"by_{name}"]:
            out[f"breakdown.{name}.{g['key'] or '-'}.reports"] = n(g["reports"])
    s = speed["speed"]
    out["speed.awaiting_response"] = n(s["awaiting_response"])
    for part, scale in (("first_response", 1), ("decision", 24), ("done", 24)):
        out[f"speed.{part}.count"] = n(s[part]["count"])
        for key, field in (("median", "median_hours"), ("p90", "p90_hours")):
            value = s[part][field]
            out[f"speed.{part}.{key}"] = d1(None if value is None else value / scale)
    for label, changes in s["done_days"]:
        out[f"speed.done_days.{label}"] = n(changes)
    for o in s["overdue"]:
        out[f"speed.overdue.{o['owner'] or '-'}.changes"] = n(o["changes"])
        out[f"speed.overdue.{o['owner'] or '-'}.oldest"] = o["oldest_due"]
    i = impact["impact"]
    for key in ("hours_lost", "hours_saved", "fix_rate"):
        out[f"impact.{key}"] = d1(i[key])
    for key in ("fix_yes", "fix_no", "re_reports"):
        out[f"impact.{key}"] = n(i[key])
    for g in i["hours_by_theme"]:
        out[f"impact.theme.{g['key']}.reports"] = n(g["reports"])
        out[f"impact.theme.{g['key']}.hours"] = d1(g["value"])
    return out


@pytest.mark.parametrize("query", [{}, {"unit": "Finance"}, {"channel": "smtp"}, {"period": ""}])
def test_the_api_gives_the_dashboards_numbers(personas: Any, world: Any, query: dict) -> None:
    if "period" in query:
        today = timezone.localdate(world.base)
        start, end = today - timedelta(days=60), today
        query = {"from": start.isoformat(), "to": end.isoformat()}
        want = expected(world, start, end)
    else:
        want = expected(world, **query)
    client = as_user(personas.leader)
    got = as_shown(
        read(client, "funnel", **query),
        read(client, "speed", **query),
        read(client, "impact", **query),
    )
    assert got == {
        k: v
        for k, v in want.items()
        if k.split(".")[0] in {"funnel", "breakdown", "speed", "impact"}
    }
    cost = read(client, "cost", **query)["cost"]
    assert usd(cost["total_usd"]) == want["cost.total"]
    assert usd(cost["per_report_usd"], 4) == want["cost.per_report"]
    assert usd(cost["budget"]["spent_usd"]) == want["cost.budget.spent"]
    assert d1(cost["budget_used_pct"]) == want["cost.budget.used_pct"]


def test_a_small_selection_is_suppressed(personas: Any, world: Any) -> None:
    client = as_user(personas.triager)
    body = read(client, "funnel", unit="Legal")
    assert body["suppressed"] is True and body["min_group"] == 5
    assert body["funnel"] is None and body["by_unit"] is None
    assert read(client, "speed", unit="Legal")["speed"] is None
    assert read(client, "impact", unit="Legal")["impact"] is None
    assert read(client, "cost", unit="Legal")["cost"]["total_usd"] == pytest.approx(2.0)


def test_bad_filters_and_wrong_roles(personas: Any, world: Any) -> None:
    leader = as_user(personas.leader)
    response = leader.get("/api/v1/insights/funnel", {"channel": "pigeon"})
    assert response.status_code == 400
    assert "There is no channel" in response.json()["detail"]
    assert leader.get("/api/v1/insights/speed", {"to": "tomorrow"}).status_code == 400
    for name in ("reporter", "owner", "custodian", "outsider"):
        got = as_user(personas.by_name(name)).get("/api/v1/insights/cost")
        assert got.status_code == 403, name
    assert Client().get("/api/v1/insights/cost").status_code == 401
