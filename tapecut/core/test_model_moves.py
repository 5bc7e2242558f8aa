"""Models that moved between apps keep their rows: state moves, then a table rename.

ThrottleCounter went from accounts to core (core 0002), PendingMail from accounts to custody
(custody 0001). The test migrates back to before the moves, writes rows through the old
models, migrates forward and reads them through the new ones.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tapecut.core.models import ThrottleCounter
from tapecut.custody.models import PendingMail

BEFORE = [("core", "0001_initial"), ("accounts", "0002_roles")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_moved_models_keep_their_rows():
    old = migrate(BEFORE)
    now = timezone.now()
    old.get_model("accounts", "ThrottleCounter").objects.create(
        scope="login", key="k" * 64, window=now, count=3
    )
    report = old.get_model("intake", "Report").objects.create(channel="email", received_at=now)
    old.get_model("accounts", "PendingMail").objects.create(
        report_id=report.pk, kind="autoreply", message_id="<m@x>", ciphertext=b"sealed"
    )
    try:
        migrate(latest())
        counter = ThrottleCounter.objects.get()
        assert (counter.scope, counter.count) == ("login", 3)
        pending = PendingMail.objects.get()
        assert (pending.report_id, bytes(pending.ciphertext)) == (report.pk, b"sealed")
        tables = connection.introspection.table_names()
        assert {"core_throttlecounter", "custody_pendingmail"} <= set(tables)
        assert not {"accounts_throttlecounter", "accounts_pendingmail"} & set(tables)
    finally:
        migrate(latest())
