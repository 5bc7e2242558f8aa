"""Normalising and masking e-mail addresses (pure functions)."""

from __future__ import annotations

from email.utils import parseaddr


def normalise(address: str) -> str:
    """Lower-case, trimmed, without angle brackets; "" when it is not an address."""
    _, addr = parseaddr(address or "")
    addr = addr.strip().strip("<>").lower()
    return addr if "@" in addr else ""


def mask(address: str) -> str:
    """For logs: ``j***@example.org``."""
    addr = normalise(address) or (address or "")
    local, _, domain = addr.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"
