"""Structured values (the audit trail's details, JSON fields) as words, never Python literals."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import formats, timezone

register = template.Library()

EMPTY = "—"

# A before-and-after reads in that order whatever order the database kept the keys in
# (PostgreSQL's jsonb sorts them: "new" would come before "old").
FIRST_KEYS = ("old", "from", "new", "to")


def _ordered(value: dict[Any, Any]) -> list[tuple[Any, Any]]:
    def rank(pair: tuple[int, tuple[Any, Any]]) -> tuple[int, int]:
        position, (key, _item) = pair
        first = FIRST_KEYS.index(key) if key in FIRST_KEYS else len(FIRST_KEYS)
        return (first, position)

    return [pair for _position, pair in sorted(enumerate(value.items()), key=rank)]


@register.filter
def readable(value: Any) -> str:
    """``{'status': 'done', 'redactions': {'email': 0}}`` → ``status: done · redactions: email 0``.

    Nested mappings are written inline, lists joined with commas, ``None`` as a dash, dates
    in the page's format: what a person reads, not what Python prints."""
    if isinstance(value, dict):
        return " · ".join(f"{key}: {_inline(item)}" for key, item in _ordered(value)) or EMPTY
    return _inline(value)


def _inline(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_inline(item)}" for key, item in _ordered(value)) or EMPTY
    if isinstance(value, list | tuple | set):
        return ", ".join(_inline(item) for item in value) or EMPTY
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return str(formats.date_format(value, "Y-m-d H:i"))
    if isinstance(value, float):
        return str(formats.number_format(round(value, 2)))
    return str(value)
