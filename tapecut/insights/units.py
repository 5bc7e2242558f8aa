"""Which organisational unit a reporter belongs to, from ``TAPECUT_UNITS`` (pure functions).

``TAPECUT_UNITS`` is one JSON object. Its keys say what to match, its values name the unit:

* ``"anna@corp.example"``: one address (exact, case-insensitive);
* ``"finance.corp.example"``: a mail domain, and every subdomain below it;
* ``"field:department=FIN"``: a form field's value, for channels that pass form fields.

The most specific key wins: an address before a domain, a longer domain before a shorter one,
a form field last. Nothing here touches the database: ``tapecut.insights.actions`` stores the
answer in ``Reporter.unit``, and only for named reporters (a protected reporter's address is
never in plain text, so it cannot be mapped, and its unit stays unknown).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

FIELD_PREFIX = "field:"
MAX_UNIT_CHARS = 100  # Reporter.unit


class UnitsError(ValueError):
    """``TAPECUT_UNITS`` is not a JSON object of strings; the message says where."""


@dataclass(frozen=True)
class UnitMap:
    addresses: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    fields: dict[tuple[str, str], str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains or self.fields)


def parse_units(raw: str) -> UnitMap:
    """Read the JSON text of ``TAPECUT_UNITS``; an empty text maps nothing."""
    if not raw.strip():
        return UnitMap()
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise UnitsError(f"TAPECUT_UNITS is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UnitsError("TAPECUT_UNITS must be a JSON object of key → unit name")
    units = UnitMap()
    for key, unit in data.items():
        _add(units, str(key).strip().lower(), unit)
    return units


def _add(units: UnitMap, key: str, unit: object) -> None:
    if not isinstance(unit, str) or not unit.strip():
        raise UnitsError(f"TAPECUT_UNITS[{key!r}] must be a non-empty string")
    name = unit.strip()
    if len(name) > MAX_UNIT_CHARS:
        raise UnitsError(f"TAPECUT_UNITS[{key!r}] is longer than {MAX_UNIT_CHARS} characters")
    if key.startswith(FIELD_PREFIX):
        field_name, eq, value = key[len(FIELD_PREFIX) :].partition("=")
        if not eq or not field_name:
            raise UnitsError(f"TAPECUT_UNITS key {key!r} must look like field:NAME=VALUE")
        units.fields[(field_name.strip(), value.strip())] = name
    elif "@" in key:
        units.addresses[key] = name
    elif key and "." in key:
        units.domains[key.lstrip(".")] = name
    else:
        raise UnitsError(
            f"TAPECUT_UNITS key {key!r} is neither an address, a domain nor field:NAME=VALUE"
        )


def unit_for(address: str, units: UnitMap, form_fields: Mapping[str, str] | None = None) -> str:
    """The unit for this sender (and form fields), or "" when nothing matches."""
    addr = (address or "").strip().lower()
    if addr in units.addresses:
        return units.addresses[addr]
    domain = addr.rpartition("@")[2] if "@" in addr else ""
    while domain:
        if domain in units.domains:
            return units.domains[domain]
        domain = domain.partition(".")[2]
    for name, value in (form_fields or {}).items():
        found = units.fields.get((name.strip().lower(), str(value).strip().lower()))
        if found:
            return found
    return ""
