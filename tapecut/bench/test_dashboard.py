"""``tapecut bench dashboard`` on a small organisation: it fills, renders and measures."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count
from django.test import override_settings

from tapecut.analysis.models import DuplicateLink
from tapecut.bench import dashboard
from tapecut.bench._dashboard_fill import fill
from tapecut.intake.models import Report
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db


@override_settings(TAPECUT_INSIGHTS_CACHE_SECONDS=0)
def test_fill_and_measure_on_the_demo_sentences() -> None:
    filled = fill(300, data=Path("/nonexistent.csv"))
    assert filled.source.startswith("demo mailbox")
    assert Report.objects.count() == filled.reports == 300
    assert DuplicateLink.objects.filter(state="merged").count() == 300 // 12
    statuses = dict(Change.objects.values_list("status").annotate(n=Count("id")))
    assert sum(statuses.values()) == filled.changes
    texts = list(Report.objects.values_list("text", flat=True))
    assert all(texts) and len(set(texts)) > 250  # recombined, hardly ever twice the same
    result = dashboard.measure(3, filled.leader)
    assert result["renders"] == 3
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert set(result["filtered_ms"]) == {"unit", "category", "channel", "period"}
    assert result["cached_p50_ms"] > 0


def test_nearest_rank() -> None:
    assert dashboard.nearest_rank([5.0, 1.0, 3.0, 2.0, 4.0], 95) == 5.0
    assert dashboard.nearest_rank([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
