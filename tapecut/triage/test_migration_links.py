"""triage.0004 turns the links read through themes until now into explicit ones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("triage", "0003_loop"), ("analysis", "0004_state_indexes")]
AFTER = [("triage", "0004_change_report")]


@pytest.mark.django_db(transaction=True)
def test_direct_and_theme_links_become_rows_marked_backfill() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Report = old.get_model("intake", "Report")
    Theme = old.get_model("analysis", "Theme")
    ReportAnalysis = old.get_model("analysis", "ReportAnalysis")
    Change = old.get_model("triage", "Change")
    now = timezone.now()
    direct, themed, other = (
        Report.objects.create(subject=s, text=s, received_at=now) for s in "abc"
    )
    theme = Theme.objects.create(title="Travel")
    ReportAnalysis.objects.create(report=themed, theme=theme)
    ReportAnalysis.objects.create(report=other)
    change = Change.objects.create(title="One signature")
    change.reports.add(direct)
    change.themes.add(theme)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("triage", "ChangeReport").objects.filter(change_id=change.pk)
    assert sorted(rows.values_list("report_id", "source")) == [
        (direct.pk, "backfill"),
        (themed.pk, "backfill"),
    ]
    assert {r.linked_at for r in rows} == {Change.objects.get(pk=change.pk).created_at}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
