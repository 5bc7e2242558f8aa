"""After deleting: make sure the deleted bytes are gone from the database's files too.

SQLite runs with ``secure_delete`` (settings): deleted content is overwritten with zeros. The
write-ahead log still holds earlier copies of the pages until a checkpoint copies them back and
truncates it, so retention ends with ``wal_checkpoint(TRUNCATE)``; ``--vacuum`` also rebuilds
the file. PostgreSQL keeps dead row versions in its table files until VACUUM; ``--vacuum`` runs
VACUUM FULL on the tables that held the data (they are locked while it runs).
"""

from __future__ import annotations

from django.db import connection

TABLES = (
    "intake_inboundmessage",
    "intake_reporter",
    "intake_report",
    "intake_followup",
    "intake_attachment",
    "intake_messageref",
    "triage_originalcopy",
    "triage_notice",
    "custody_pendingmail",
)


def compact(*, vacuum: bool = False) -> str:
    """Checkpoint (and vacuum); return what was done, for the command's output."""
    if connection.in_atomic_block:
        # Inside a caller's transaction (tests, a wrapping script) neither can run.
        return "inside a transaction: the files are compacted at the next purge"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if vacuum:
                cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _frames, _done = cursor.fetchone()
        if busy:
            return (
                "write-ahead log: another connection is reading; it empties at its next checkpoint"
            )
        return "database vacuumed, write-ahead log emptied" if vacuum else "write-ahead log emptied"
    if connection.vendor == "postgresql" and vacuum:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")
        return "tables vacuumed (VACUUM FULL)"
    return "dead row versions go at the next VACUUM"
