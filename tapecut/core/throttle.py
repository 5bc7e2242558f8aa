"""Counting what clients do, per fixed time window, in the database (shared by all processes).

Clients are keyed by a keyed hash of their address: the table never holds an IP address, which
next to a report's time could say who sent it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from tapecut.core import crypto
from tapecut.core.models import ThrottleCounter

HOUR = 3600
EVERYONE = "*"
# Windows older than this are deleted when a new window starts.
KEEP = timedelta(days=2)


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind ``TAPECUT_TRUSTED_PROXIES`` proxies, from X-Forwarded-For."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = settings.TAPECUT_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [p for p in forwarded if p]
    # Each trusted proxy appends the address it saw; the client is the one before them.
    return forwarded[-hops] if len(forwarded) >= hops else remote


def client_key(request: HttpRequest) -> str:
    return crypto.keyed_hash("client:" + client_ip(request))


def window_start(seconds: int, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo or UTC)


def count(scope: str, key: str, seconds: int = HOUR) -> int:
    window = window_start(seconds)
    total = ThrottleCounter.objects.filter(scope=scope, key=key, window=window).aggregate(
        n=Sum("count")
    )["n"]
    return int(total or 0)


def hit(scope: str, key: str, seconds: int = HOUR, *, window: datetime | None = None) -> int:
    """Count one more; return the count in this window (1 on the first hit)."""
    window = window or window_start(seconds)
    updated = ThrottleCounter.objects.filter(scope=scope, key=key, window=window).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                ThrottleCounter.objects.create(scope=scope, key=key, window=window, count=1)
            ThrottleCounter.objects.filter(window__lt=timezone.now() - KEEP).delete()
            return 1
        except IntegrityError:
            # Another process started this window a moment ago.
            ThrottleCounter.objects.filter(scope=scope, key=key, window=window).update(
                count=F("count") + 1
            )
    row = ThrottleCounter.objects.get(scope=scope, key=key, window=window)
    return row.count


def allowed(scope: str, key: str, limit: int, seconds: int = HOUR) -> bool:
    """Under the limit in this window? A limit of 0 or less turns the throttle off."""
    return limit <= 0 or count(scope, key, seconds) < limit


# --- What the web pages use -------------------------------------------------------------------

RECEIPT = "receipt"
FORM = "form"


def receipt_allowed(request: HttpRequest) -> bool:
    """May this client try another receipt code now? Per client and for everyone together."""
    return allowed(
        RECEIPT, client_key(request), settings.TAPECUT_RECEIPT_ATTEMPTS_PER_IP
    ) and allowed(RECEIPT, EVERYONE, settings.TAPECUT_RECEIPT_ATTEMPTS_GLOBAL)


def receipt_failed(request: HttpRequest) -> None:
    hit(RECEIPT, client_key(request))
    hit(RECEIPT, EVERYONE)


def form_allowed(request: HttpRequest) -> bool:
    return allowed(FORM, client_key(request), settings.TAPECUT_FORM_SUBMISSIONS_PER_IP)


def form_posted(request: HttpRequest) -> None:
    hit(FORM, client_key(request))


def claim_once(scope: str, value: str, issued: datetime) -> bool:
    """True the first time ``value`` is claimed (a form token's nonce), False on a replay."""
    return hit(scope, crypto.keyed_hash(scope + ":" + value), window=issued) == 1
