"""Inserting many new rows with one statement and little per-value bookkeeping.

``QuerySet.bulk_create`` compiles every value of every row through the general expression
machinery; for the SMTP receiver's group commit that was most of the Python time spent while
holding the database's one write turn (``tapecut bench smtp``, sampled with py-spy). Plain rows
(no expressions, no database defaults) need only each field's own conversion and one
``INSERT … VALUES (…), (…) RETURNING id``, which SQLite (3.35+) and PostgreSQL both speak.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


def insert_new(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new, all of one model, primary keys unset) and set their primary keys.

    Like ``bulk_create``: no ``save()``, no signals. Falls back to ``bulk_create`` where a field
    needs more than a plain placeholder or the database cannot return the new keys.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if not _plain(fields):
        model._default_manager.bulk_create(objs)
        return
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    for start in range(0, len(objs), size):
        _insert(meta, fields, objs[start : start + size])


def _plain(fields: list[models.Field]) -> bool:  # type: ignore[type-arg]
    return connection.features.can_return_rows_from_bulk_insert and not any(
        hasattr(f, "get_placeholder") or f.db_default is not NOT_PROVIDED for f in fields
    )


def _insert(meta: models.options.Options, fields: list, objs: Sequence[models.Model]) -> None:  # type: ignore[type-arg]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning, returning_params = connection.ops.return_insert_columns([meta.pk])
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES {', '.join([row] * len(objs))} {returning}"
    )
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *returning_params])
        keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
