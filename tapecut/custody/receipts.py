"""Receipt codes: how an anonymous reporter comes back to their report.

A code is 16 random digits (about 53 bits), shown once as ``1234-5678-9012-3456``. The database
keeps two things about it:

``receipt_hash``
    an Argon2id hash of the digits (slow on purpose: about 50 ms and 19 MiB each by default);
``receipt_lookup``
    the first 5 hex digits (20 bits) of a keyed HMAC of the digits, an index to find the few
    reports whose code might match without running Argon2 against every row.

Without the HMAC key the lookup says nothing about the code. With the key and a copy of the
database an attacker can narrow a code down to about 2**33 candidates, each of which still costs
one Argon2 run: years of work per code. A wrong code (or one in the wrong format) costs the same
single Argon2 run as a right one, so timing does not tell them apart.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings

from tapecut.core import crypto
from tapecut.intake.models import Report

DIGITS = 16
LOOKUP_HEX = 5
_GROUP = 4
_NON_DIGITS = re.compile(r"[\s\-–.]+")


def _hasher() -> PasswordHasher:
    return _hasher_for(
        settings.TAPECUT_RECEIPT_HASH_TIME_COST, settings.TAPECUT_RECEIPT_HASH_MEMORY_KIB
    )


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_kib: int) -> PasswordHasher:
    # Argon2id; the parameters are stored in each hash, so changing them later is harmless.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=2)


def new_code() -> str:
    """Sixteen random digits from the operating system's CSPRNG."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def format_code(digits: str) -> str:
    return "-".join(digits[i : i + _GROUP] for i in range(0, len(digits), _GROUP))


def normalise_code(text: str) -> str:
    """The digits of what someone typed (spaces and dashes allowed), or "" when malformed."""
    digits = _NON_DIGITS.sub("", text or "")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return ""
    return digits


def lookup_key(digits: str) -> str:
    return crypto.keyed_hash("receipt:" + digits)[:LOOKUP_HEX]


def hash_code(digits: str) -> str:
    return _hasher().hash(digits)


def verify(stored_hash: str, digits: str) -> bool:
    try:
        return bool(_hasher().verify(stored_hash, digits))
    except (VerificationError, InvalidHashError):
        return False


def _decoy_hash() -> str:
    # Verified when no row is a candidate, so that a miss costs what a hit costs.
    return _decoy_for(
        settings.TAPECUT_RECEIPT_HASH_TIME_COST, settings.TAPECUT_RECEIPT_HASH_MEMORY_KIB
    )


@lru_cache(maxsize=4)
def _decoy_for(time_cost: int, memory_kib: int) -> str:
    return hash_code(new_code())


def find_report(code: str) -> Report | None:
    """The report this code belongs to, or None; one Argon2 run per candidate, at least one."""
    digits = normalise_code(code)
    candidates: list[Report] = []
    if digits:
        candidates = list(
            Report.objects.filter(receipt_lookup=lookup_key(digits)).exclude(receipt_hash="")
        )
    if not candidates:
        verify(_decoy_hash(), digits or "0" * DIGITS)
        return None
    found = None
    for report in candidates:
        if verify(report.receipt_hash, digits) and found is None:
            found = report
    return found
