"""The per-sender token bucket, with the clock passed in."""

from __future__ import annotations

from tapecut.intake.smtp import SenderThrottle


def test_burst_then_rate() -> None:
    throttle = SenderThrottle(rate_per_minute=60, burst=3)
    assert [throttle.allow("a@example.org", now=0.0) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    # One token a second comes back, and never more than the burst.
    assert throttle.allow("a@example.org", now=1.0)
    assert not throttle.allow("a@example.org", now=1.5)
    assert [throttle.allow("a@example.org", now=100.0) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]


def test_senders_have_their_own_buckets_whatever_their_spelling() -> None:
    throttle = SenderThrottle(rate_per_minute=1, burst=1)
    assert throttle.allow("A@Example.org", now=0.0)
    assert not throttle.allow("<a@example.ORG>", now=0.0)
    assert throttle.allow("b@example.org", now=0.0)
    assert throttle.allow("<>", now=0.0)
    assert not throttle.allow("<>", now=0.0)


def test_rate_zero_is_off() -> None:
    throttle = SenderThrottle(rate_per_minute=0, burst=1)
    assert all(throttle.allow("a@example.org", now=0.0) for _ in range(1000))


def test_memory_stays_bounded() -> None:
    throttle = SenderThrottle(rate_per_minute=60, burst=1)
    throttle.MAX_SENDERS = 100
    for i in range(1000):
        throttle.allow(f"s{i}@example.org", now=float(i))
    # Buckets that refilled are forgotten; a sender met again starts full.
    assert len(throttle._buckets) <= 101
    assert throttle.allow("s0@example.org", now=2000.0)
