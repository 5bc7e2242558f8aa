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
from django.db.utils import load_backend


@contextmanager
def throwaway_database() -> Iterator[Path]:
    """Point the default connection at a new SQLite file for the duration, whatever the
    installation's own database is: a PostgreSQL wrapper cannot simply be given SQLite
    settings, so a SQLite wrapper stands in for it and the original comes back afterwards."""
    original = connections["default"]
    with tempfile.TemporaryDirectory(prefix="tapecut-throwaway-") as tmp:
        path = Path(tmp) / "db.sqlite3"
        settings_dict = {
            **original.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "CONN_MAX_AGE": 0,
            "OPTIONS": {"timeout": 30},
        }
        wrapper = load_backend("django.db.backends.sqlite3").DatabaseWrapper(
            settings_dict, alias="default"
        )
        connections["default"] = wrapper
        try:
            call_command("migrate", verbosity=0, interactive=False)
            yield path
        finally:
            wrapper.close()
            connections["default"] = original
