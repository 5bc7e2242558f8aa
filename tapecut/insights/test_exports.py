"""CSV and XLSX exports: the dashboard's selection, row by row, without identities."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tapecut.insights import costs
from tapecut.insights.conftest import fold_groups, selected
from tapecut.insights.testing import CHANGES, REPORTS, THEMES

pytestmark = pytest.mark.django_db
OTHER = "other (fewer than 5)"


@pytest.fixture
def leader(personas: Any) -> Client:
    client = Client()
    client.force_login(personas.leader)
    return client


def download(client: Client, kind: str, fmt: str, **query: str) -> list[list[str]]:
    response = client.get(f"/insights/export/{kind}.{fmt}", query)
    assert response.status_code == 200
    assert f"tapecut-{kind}-" in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode()
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def shown_values(values: list[str]) -> dict[str, str]:
    groups = {v or "-": (n, 0.0) for v, n in Counter(values).items()}
    kept = {k for k, *_rest in fold_groups(groups) if k != "__other__"}
    return {v: v if (v or "-") in kept else OTHER for v in values}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reports_export_folds_small_units_and_categories(leader: Client, world: Any, fmt: str):
    rows = download(leader, "reports", fmt)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["id", "received", "channel", "status", "category", "unit"]
    specs = sorted(REPORTS, key=lambda s: -s.days_ago)
    assert [r[0] for r in body] == [str(world.reports[s.key].pk) for s in specs]
    units = shown_values([s.unit for s in specs])
    categories = shown_values([s.category or "" for s in specs])
    assert [r[5] for r in body] == [units[s.unit] for s in specs]
    assert [r[4] for r in body] == [categories[s.category or ""] for s in specs]
    assert Counter(r[5] for r in body)[OTHER] == 9  # Legal 2, Press 1, and Research 6 with them
    merged = {r[0]: r[7] for r in body if r[7]}
    assert merged == {
        str(world.reports[s.key].pk): str(world.reports[s.merged_into].pk)
        for s in REPORTS
        if s.merged_into
    }
    changes = {r[0]: r[9] for r in body if r[9]}
    # Linked by hand or through the theme the change was made from: both are explicit links.
    want: dict[str, list[int]] = {}
    for c in CHANGES:
        for s in REPORTS:
            if s.key in c.reports or (s.theme and s.theme in c.themes):
                want.setdefault(str(world.reports[s.key].pk), []).append(world.changes[c.key].pk)
    assert changes == {k: ";".join(map(str, sorted(v))) for k, v in want.items()}
    text = " ".join(" ".join(r) for r in rows)
    assert "Seeded report" not in text and "person1@" not in text  # no text, no reporter


def test_exports_follow_the_filters(leader: Client, world: Any) -> None:
    rows = download(leader, "reports", "csv", channel="form")
    assert len(rows) - 1 == len(selected(world, None, None, channel="form")) == 7
    assert {r[2] for r in rows[1:]} == {"form"}
    assert download(leader, "reports", "csv", unit="Legal") == [rows[0]]  # two: header only
    assert len(download(leader, "changes", "csv", unit="Legal")) == 1


def test_themes_export_folds_small_themes(leader: Client, world: Any) -> None:
    rows = download(leader, "themes", "csv")
    t1, t2 = world.themes["T1"].pk, world.themes["T2"].pk
    euros = [str(float(costs.theme_cost(world.themes[k]).per_year)) for k in ("T1", "T2")]
    assert rows == [
        ["theme_id", "title", "reports", "hours_per_year", "cost_per_year"],
        [str(t1), THEMES["T1"], "7", "45.0", euros[0]],
        [str(t2), THEMES["T2"], "6", "37.0", euros[1]],
        ["", OTHER, "5", "12.5", "542.5"],  # 12.5 h x 43.40 EUR, the default wage
    ]


def test_changes_export_lists_linked_changes_with_overdue(leader: Client, world: Any) -> None:
    rows = download(leader, "changes", "xlsx")
    by_title = {r[1]: r for r in rows[1:]}
    linked = {"Change C1", "Change C2", "Change C3", "Change C4", "Change C6", "Change C7"}
    assert set(by_title) == linked  # C5 answers no report
    overdue = {title for title, r in by_title.items() if r[5] == "True"}
    assert overdue == {"Change C3", "Change C4"}
    assert by_title["Change C1"][3] == "olga" and by_title["Change C1"][2] == "done"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_from_reporters_words_stay_text(leader: Client, world: Any, fmt: str) -> None:
    theme = world.themes["T1"]
    theme.title = '=HYPERLINK("http://evil.example","click")'
    theme.save()
    rows = download(leader, "themes", fmt)
    assert rows[1][1] == "'" + theme.title


def test_unknown_export_and_bad_filter(leader: Client, world: Any) -> None:
    assert leader.get("/insights/export/secrets.csv").status_code == 404
    assert leader.get("/insights/export/reports.pdf").status_code == 404
    bad = leader.get("/insights/export/reports.csv", {"from": "soon"})
    assert bad.status_code == 400 and b"must be a date" in bad.content
