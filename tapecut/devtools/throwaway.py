"""A throwaway SQLite database for evaluations and benchmarks, so they never touch real data.

Model calls are recorded in the ledger even during an evaluation; they land here and vanish.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections


@contextmanager
def throwaway_database() -> Iterator[Path]:
    conn = connections["default"]
    saved = dict(conn.settings_dict)
    with tempfile.TemporaryDirectory(prefix="tapecut-throwaway-") as tmp:
        path = Path(tmp) / "db.sqlite3"
        conn.close()
        conn.settings_dict.update(
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "CONN_MAX_AGE": 0,
                "OPTIONS": {"timeout": 30},
            }
        )
        try:
            call_command("migrate", verbosity=0, interactive=False)
            yield path
        finally:
            conn.close()
            conn.settings_dict.clear()
            conn.settings_dict.update(saved)
