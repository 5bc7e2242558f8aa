"""MAIL FROM and RCPT TO: the shortcut for plain paths gives what aiosmtpd's parser gives."""

from __future__ import annotations

import asyncio

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from tapecut.intake.addresses import _PLAIN
from tapecut.intake.smtp import IntakeSMTP

# What may follow the address: parameters, spaces, tabs, comments, stray brackets.
AFTER = " \tSIZE=1BODY8BITMIME()<>@x\"'"


@pytest.fixture(scope="module")
def protocols() -> tuple[SMTP, SMTP]:
    loop = asyncio.new_event_loop()
    try:
        return IntakeSMTP(object(), loop=loop), SMTP(object(), loop=loop)
    finally:
        loop.close()


def both(protocols: tuple[SMTP, SMTP], arg: str) -> tuple[object, object]:
    """What each reads from ``arg``, or the error it fails with (aiosmtpd's parser fails on
    a lone ``<``; ours must fail alike, leaving the answer to aiosmtpd)."""
    ours, theirs = protocols
    return _read(ours._getaddr, arg), _read(lambda a: SMTP._getaddr(theirs, a), arg)


def _read(getaddr, arg: str) -> object:
    try:
        return getaddr(arg)
    except Exception as exc:
        return type(exc)


@settings(max_examples=400)
@given(st.from_regex(_PLAIN, fullmatch=True), st.text(alphabet=AFTER, max_size=16))
def test_a_plain_path_reads_as_the_full_parser_reads_it(
    protocols: tuple[SMTP, SMTP], address: str, after: str
) -> None:
    ours, theirs = both(protocols, f"<{address}>{after}")
    assert ours == theirs


@given(st.text(alphabet='aZ09.@<>()[] \t"\\:,;', max_size=24))
def test_anything_else_reads_as_the_full_parser_reads_it(
    protocols: tuple[SMTP, SMTP], arg: str
) -> None:
    ours, theirs = both(protocols, arg)
    assert ours == theirs


@pytest.mark.parametrize(
    "arg",
    ["<anna@example.org> SIZE=3000", "<>", '<"a b"@example.org>', "<a@[192.0.2.1]>", ""],
)
def test_examples(protocols: tuple[SMTP, SMTP], arg: str) -> None:
    ours, theirs = both(protocols, arg)
    assert ours == theirs


def test_a_local_part_over_the_limit_is_refused_on_the_shortcut_too(
    protocols: tuple[SMTP, SMTP], monkeypatch
) -> None:
    for protocol in protocols:
        monkeypatch.setattr(protocol, "local_part_limit", 64)
    assert both(protocols, f"<{'a' * 65}@example.org>") == ((None, None), (None, None))
    assert both(protocols, f"<{'a' * 64}@example.org>")[0] == (f"{'a' * 64}@example.org", "")
