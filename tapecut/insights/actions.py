"""Every write insights makes goes through these ``do_*`` functions (with the audit trail)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from tapecut.core import audit
from tapecut.insights.models import DigestDelivery
from tapecut.insights.units import UnitMap, parse_units, unit_for
from tapecut.intake.models import Mode, Reporter

BATCH = 500


@lru_cache(maxsize=4)
def _parsed(raw: str) -> UnitMap:
    return parse_units(raw)


def configured_units() -> UnitMap:
    """``TAPECUT_UNITS`` as read at start-up (tapecut.E040 refuses a malformed one)."""
    return _parsed(settings.TAPECUT_UNITS)


def do_assign_units(reporters: QuerySet[Reporter] | None = None) -> int:
    """Fill in ``Reporter.unit`` where it is empty and the mapping knows the address.

    Only named reporters have an address in plain text. A unit set before (by hand, or by an
    older mapping) is kept. Returns how many reporters got a unit.
    """
    units = configured_units()
    if not units:
        return 0
    todo = (reporters if reporters is not None else Reporter.objects.all()).filter(
        mode=Mode.NAMED, unit=""
    )
    by_unit: dict[str, list[int]] = {}
    for pk, address in todo.exclude(address="").values_list("id", "address").iterator():
        unit = unit_for(address, units)
        if unit:
            by_unit.setdefault(unit, []).append(pk)
    with transaction.atomic():
        for unit, ids in by_unit.items():
            for i in range(0, len(ids), BATCH):  # SQLite limits the parameters of one query
                Reporter.objects.filter(pk__in=ids[i : i + BATCH], unit="").update(unit=unit)
        assigned = sum(len(ids) for ids in by_unit.values())
        if assigned:
            audit.record("insights.units_assigned", actor_label="system", reporters=assigned)
    return assigned


def do_claim_digest(user: Any, week: str, language: str) -> DigestDelivery | None:
    """Claim this week's digest for ``user``; None when it was sent (or claimed) already."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(user=user, week=week, language=language)
    except IntegrityError:
        return None


def do_release_digest(delivery: DigestDelivery) -> None:
    """Sending failed: give the claim back so that the next run tries again."""
    DigestDelivery.objects.filter(pk=delivery.pk).delete()


def do_note_digest_sent(delivery: DigestDelivery) -> None:
    audit.record(
        "insights.digest_sent",
        delivery,
        actor_label="system",
        user=delivery.user_id,
        week=delivery.week,
        language=delivery.language,
    )
