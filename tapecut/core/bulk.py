"""Inserting many new rows with one statement and little per-value bookkeeping.

``QuerySet.bulk_create`` compiles every value of every row through the general expression
machinery; for the SMTP receiver's group commit that was most of the Python time spent while
holding the database's one write turn (``tapecut bench smtp``, sampled with py-spy). Plain rows
(no expressions, no database defaults) need only each field's own conversion and one
``INSERT … VALUES (…), (…) RETURNING id``, which SQLite (3.35+) and PostgreSQL both speak.

``insert`` goes further for batches (``tapecut import``): a time alone costs about 10 µs in its
field's conversion, and a batch's rows share most of their small values (the same "now", the same
state, no finish time, an empty JSON list), so each distinct one is prepared once per call; every
``auto_now``/``auto_now_add`` field gets the same time; conflicts may be ignored or update the row;
the keys are read back only where asked for. Other databases than these two get ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, connections, models
from django.db.models import Field, Model
from django.db.models.constants import OnConflict
from django.utils import timezone

# Values per ``IN (…)`` list: SQLite caps the parameters of one statement (999 before 3.32).
IN_CHUNK = 500


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """``values`` in slices of at most ``size``, for look-ups by ``IN (…)``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_new(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new, all of one model, primary keys unset) and set their primary keys.

    Like ``bulk_create``: no ``save()``, no signals (``insert`` with ``set_pks``).
    """
    insert(objs, set_pks=True)


# Values shared by many rows of a batch, prepared once (the type is part of the key: True == 1).
_SHARED = (bool, int, float, datetime, date, type(None))
_SHORT_TEXT = 100


def insert(
    objs: Sequence[Model],
    *,
    set_pks: bool = False,
    ignore_conflicts: bool = False,
    update_conflicts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> None:
    """Insert ``objs`` (all of one model, unsaved): ``set_pks`` reads their ids back;
    ``update_conflicts`` = (unique fields, fields to update) as in ``bulk_create``."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor not in ("sqlite", "postgresql") or (
        set_pks and not connection.features.can_return_rows_from_bulk_insert
    ):
        model._default_manager.bulk_create(
            objs,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts is not None,
            unique_fields=update_conflicts[0] if update_conflicts else None,
            update_fields=update_conflicts[1] if update_conflicts else None,
        )
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    rows = _values(objs, fields)
    head = _head(model, fields, ignore_conflicts, update_conflicts)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        if not set_pks:
            cursor.executemany(head.replace("{values}", f"VALUES ({marks})"), rows)
            return
        size = connection.ops.bulk_batch_size(fields, objs)
        returning, _params = connection.ops.return_insert_columns([meta.pk])
        for start in range(0, len(objs), size):
            chunk = rows[start : start + size]
            values = "VALUES " + ", ".join([f"({marks})"] * len(chunk))
            sql = head.replace("{values}", values) + " " + returning
            cursor.execute(sql, [value for row in chunk for value in row])
            ids = cursor.fetchall()  # in the order of the rows, as bulk_create relies on too
            for obj, (pk, *_rest) in zip(objs[start : start + size], ids, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias


def _values(objs: Sequence[Model], fields: list[Field[Any, Any]]) -> list[list[Any]]:
    # The connection itself: each look-up through the ``connection`` proxy costs microseconds.
    db = connections[connection.alias]
    now = timezone.now()
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    shared: dict[tuple[str, type, Any], Any] = {}
    rows = []
    for obj in objs:
        # As bulk_create: a related object saved after it was assigned gives its id now.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        for field in stamped:
            setattr(obj, field.attname, now)
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            key = _shared_key(field.attname, value)
            if key is None:
                row.append(field.get_db_prep_save(value, db))
                continue
            if key not in shared:
                shared[key] = field.get_db_prep_save(value, db)
            row.append(shared[key])
        rows.append(row)
    return rows


def _shared_key(attname: str, value: Any) -> tuple[str, type, Any] | None:
    """The key of a value many rows share, or None for one prepared on its own."""
    kind = type(value)
    if kind in _SHARED or (kind is str and len(value) < _SHORT_TEXT):
        return (attname, kind, value)
    if kind in (list, dict) and not value:  # an empty JSON list or object
        return (attname, kind, None)
    return None


def _head(
    model: type[Model],
    fields: list[Field[Any, Any]],
    ignore_conflicts: bool,
    update_conflicts: tuple[Sequence[str], Sequence[str]] | None,
) -> str:
    """The statement with ``{values}`` where the rows go."""
    ops, meta = connection.ops, model._meta
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    unique: list[str] = []
    update: list[str] = []
    if update_conflicts is not None:
        on_conflict = OnConflict.UPDATE
        unique = [_column(model, name) for name in update_conflicts[0]]
        update = [_column(model, name) for name in update_conflicts[1]]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    suffix = ops.on_conflict_suffix_sql(fields, on_conflict, update, unique) or ""
    table = ops.quote_name(meta.db_table)
    return (
        f"{ops.insert_statement(on_conflict=on_conflict)} {table} ({columns}) {{values}} {suffix}"
    )


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return field.column
