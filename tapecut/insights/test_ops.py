"""/metrics (Prometheus text format) and /healthz."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client, override_settings

from tapecut.analysis.models import ReportAnalysis
from tapecut.core import jobs
from tapecut.insights.testing import CALLS, REPORTS

pytestmark = pytest.mark.django_db
TOKEN = "prometheus-scrape-token-for-tests"
LINE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def scrape(client: Client, **headers: str) -> dict[tuple[str, str], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.content.decode().splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) tapecut_[a-z_]+ ", line), line
            continue
        match = LINE.match(line)
        assert match, f"not in the text format: {line!r}"
        samples[(match["name"], match["labels"] or "")] = float(match["value"])
    return samples


@override_settings(TAPECUT_METRICS_TOKEN=TOKEN)
def test_metrics_count_reports_queue_latency_and_spend(world: Any) -> None:
    jobs.enqueue("intake.parse", {"id": 1})
    jobs.enqueue("intake.parse", {"id": 2})
    jobs.enqueue("analysis.report", {"id": 3})
    analysed = ReportAnalysis.objects.select_related("report")[:3]
    lags = [10.0, 20.0, 60.0]
    for analysis, lag in zip(analysed, lags, strict=True):
        analysis.analysed_at = analysis.report.created_at + timedelta(seconds=lag)
        analysis.save()
    got = scrape(Client(), authorization=f"Bearer {TOKEN}")
    for channel in {r.channel for r in REPORTS}:
        want = sum(1 for r in REPORTS if r.channel == channel)
        assert got[("tapecut_reports_received_total", f'channel="{channel}"')] == want
    assert got[("tapecut_jobs_pending", 'kind="intake.parse"')] == 2
    assert got[("tapecut_jobs_pending", 'kind="analysis.report"')] == 1
    assert got[("tapecut_analysis_latency_seconds", 'quantile="0.5"')] == 20.0
    assert got[("tapecut_analysis_latency_seconds", 'quantile="0.95"')] == 60.0
    assert got[("tapecut_analysis_latency_seconds_count", "")] == 3
    assert got[("tapecut_analysis_latency_seconds_sum", "")] == sum(lags)
    for backend in {c.backend for c in CALLS}:
        spent = sum(float(c.usd) for c in CALLS if c.backend == backend)
        assert got[("tapecut_ai_spend_usd_total", f'backend="{backend}"')] == pytest.approx(spent)
    assert got[("tapecut_ai_budget_month_limit_usd", "")] == 2.0


@override_settings(TAPECUT_METRICS_TOKEN=TOKEN)
def test_metrics_need_the_token_or_an_admin(personas: Any) -> None:
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", headers={"authorization": "Bearer wrong"}).status_code == 401
    for name, code in (("leader", 403), ("triager", 403), ("admin", 200)):
        client = Client()
        client.force_login(personas.by_name(name))
        assert client.get("/metrics").status_code == code, name


def test_without_a_token_setting_no_token_is_accepted() -> None:
    assert Client().get("/metrics", headers={"authorization": "Bearer "}).status_code == 401


def test_label_values_are_escaped() -> None:
    from tapecut.insights.ops import sample

    assert sample("x", 1, {"kind": 'a"b\\c\nd'}) == 'x{kind="a\\"b\\\\c\\nd"} 1'


def test_healthz(monkeypatch: Any) -> None:
    ok = Client().get("/healthz")
    assert ok.status_code == 200 and ok.json() == {"status": "ok", "database": "ok"}

    def down(self: Any, *args: Any, **kwargs: Any) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", down)
    broken = Client().get("/healthz")
    assert broken.status_code == 503 and broken.json()["database"] == "unreachable"
