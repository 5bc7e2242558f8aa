"""The wage table shipped with Tapecut: the default hourly labour cost of the Standard Cost Model.

Seeded into ``WageRate`` by migration ``insights 0002`` for admins to edit, and used as it is
when the table holds no default row (an emptied table, a database flushed by a test), so that
a cost never silently becomes zero."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

SOURCE = (
    "Destatis, Arbeitskosten je geleistete Stunde (labour cost per hour worked), "
    "annual estimate 2024, press release of 30 April 2025"
)
YEAR = 2024


class ShippedRate(NamedTuple):
    sector: str
    hourly_cost: Decimal
    is_default: bool


# Euros per hour worked, 2024, by economic sector (WZ 2008 sections). No figure by
# qualification level is in this release: admins may add rows for levels and units.
DESTATIS_2024 = [
    ShippedRate(
        "Produzierendes Gewerbe und Dienstleistungsbereich (B-N), total", Decimal("43.40"), True
    ),
    ShippedRate("Verarbeitendes Gewerbe / manufacturing (C)", Decimal("48.30"), False),
    ShippedRate("Marktbestimmte Dienstleistungen / market services (G-N)", Decimal("42.10"), False),
    ShippedRate(
        "Finanz- und Versicherungsdienstleistungen / finance and insurance (K)",
        Decimal("68.40"),
        False,
    ),
]

DEFAULT = next(rate for rate in DESTATIS_2024 if rate.is_default)
