"""Normalising addresses: the shortcut for plain ones gives what the full parse gives."""

from __future__ import annotations

from email.utils import parseaddr

from hypothesis import given, settings
from hypothesis import strategies as st

from tapecut.intake.addresses import _PLAIN, normalise

# Letters, digits, every atom character, and what may break an address (dots, @, <>, spaces).
CHARS = "aZ09!#$%&'*+/=?^_`{|}~-.@<> \"(),:;[]\\"


def parsed(address: str) -> str:
    """``normalise`` without the shortcut."""
    _, addr = parseaddr(address)
    addr = addr.strip().strip("<>").lower()
    return addr if "@" in addr else ""


@given(st.text(alphabet=CHARS, max_size=24))
def test_the_shortcut_gives_what_the_parse_gives(address: str) -> None:
    assert normalise(address) == parsed(address)


@settings(max_examples=500)
@given(st.from_regex(_PLAIN, fullmatch=True))
def test_plain_addresses_take_the_shortcut_and_come_back_lower_cased(address: str) -> None:
    assert normalise(address) == parsed(address) == address.lower()


def test_examples() -> None:
    assert normalise("Anna.Berg@Example.ORG") == "anna.berg@example.org"
    assert normalise("<anna@example.org>") == "anna@example.org"
    assert normalise("Anna Berg <anna@example.org>") == "anna@example.org"
    assert normalise("not an address") == ""
