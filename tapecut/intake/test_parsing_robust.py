"""The parser against hostile and broken input: limits, fuzzing and real-world mail.

It must never raise anything but MessageRejected, and never take long. "Long" is CPU time of the
parsing thread (``time.thread_time``), which other work on a busy machine does not inflate, as
it would a wall-clock time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tapecut.intake.parsing import MessageRejected, ParsedMessage, parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "eml"
HEAD = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
# CPU seconds: generous for a slow CI box; every case below takes milliseconds here.
FAST = 2.0


def timed(raw: bytes) -> tuple[ParsedMessage | MessageRejected, float]:
    """The outcome and the CPU seconds this thread spent on it."""
    start = time.thread_time()
    try:
        result: ParsedMessage | MessageRejected = parse_message(raw)
    except MessageRejected as exc:
        result = exc
    return result, time.thread_time() - start


def simple(subject: bytes = b"x", body: bytes = b"hello", extra: bytes = b"") -> bytes:
    return HEAD % subject + extra + b"\r\n" + body


def many_parts(count: int) -> bytes:
    part = b"--b0\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    return (
        HEAD % b"parts"
        + b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
        + part * count
        + b"--b0--\r\n"
    )


def nested(depth: int) -> bytes:
    out = [HEAD % b"nested" + b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"]
    for i in range(1, depth):
        out.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i - 1, i))
    out.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n" % (depth - 1))
    out.extend(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return b"".join(out)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"  \r\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not an e-mail message"),
        (many_parts(1_001), "more than 1000 MIME parts"),
        (many_parts(100_000), "more than 1000 MIME parts"),
        (nested(60), "nested more than 50 levels"),
        (b"Content-Type: message/rfc822\r\n\r\n" * 2_000 + b"Subject: x\r\n\r\nbody", "nested"),
        (simple(b"a" * 1_100_000), "a header field (Subject) over"),
        (simple(extra=(b"X-B: " + b"c" * 500_000 + b"\r\n") * 5), "header block over"),
        (simple(extra=b"X-A: b\r\n" * 10_001), "more than 10000 header fields"),
        (simple(extra=b"Content-Type: text/plain; " + b"a*1*=%; " * 50_000 + b"\r\n"), "32000"),
    ],
    ids=[
        "empty",
        "whitespace",
        "binary-without-headers",
        "1001-parts",
        "100k-parts",
        "nested-60",
        "rfc822-2000-deep",
        "1.1MB-field",
        "2.5MB-headers",
        "10001-fields",
        "50k-parameters",
    ],
)
def test_hostile_input_is_rejected_quickly_with_a_reason(raw: bytes, reason: str):
    result, seconds = timed(raw)
    assert isinstance(result, MessageRejected)
    assert reason in str(result)
    assert seconds < FAST


@pytest.mark.parametrize(
    "raw",
    [
        many_parts(900),
        nested(40),
        simple(b"=?utf-8?q?a=C3=A4?= " * 15_000),  # a 300 KB subject, as real mail has
        simple(b"Re: " * 100_000),
        simple(b"[tag]" * 50_000),
        simple(b"=?" * 100_000),
        simple(extra=b"To: " + b"(" * 90_000 + b"\r\n"),
        simple(extra=b"To: " + b'"a,b" <x@example.org>, ' * 4_000 + b"\r\n"),
        simple(body=b"--\r\n" * 100_000),
        simple(body=b"> On Monday someone wrote:\r\n" * 50_000),
        simple(body=(b"Am " + b"schrieb " * 40 + b":\r\n") * 3_000),
        simple(body=b"From: a\r\nSent: b\r\nTo: c\r\nSubject: d\r\n\r\n" * 20_000),
        simple(body="Ã¤".encode() * 100_000, extra=b"Content-Type: text/plain; charset=utf-8\r\n"),
        simple(body=b"<div>" * 300_000, extra=b"Content-Type: text/html\r\n"),
        simple(body=bytes(range(256)) * 4_000),
    ],
    ids=[
        "900-parts",
        "nested-40",
        "300KB-subject",
        "re-prefixes",
        "list-tags",
        "encoded-word-starts",
        "nested-comments",
        "4000-recipients",
        "dash-lines",
        "attribution-lines",
        "verb-lines",
        "header-blocks",
        "mojibake-body",
        "deep-html",
        "binary-body",
    ],
)
def test_pathological_but_acceptable_input_parses_quickly(raw: bytes):
    result, seconds = timed(raw)
    assert isinstance(result, ParsedMessage)
    assert seconds < FAST


# --- fuzzing -------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=200,
    deadline=None,  # a wall-clock deadline fails on a busy machine; CPU time is checked instead
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIXTURE_BYTES = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml"))]
TOKENS = [
    b"\r\n",
    b"\n",
    b"\n\n",
    b" ",
    b"\t",
    b":",
    b";",
    b'"',
    b"=",
    b"--b",
    b"--b--",
    b">",
    b"From: ",
    b"Subject: ",
    b"To: ",
    b"Content-Type: ",
    b"multipart/mixed; boundary=b",
    b"multipart/alternative; boundary=b",
    b"message/rfc822",
    b"text/html; charset=",
    b"text/plain; format=flowed; charset=",
    b"utf-8",
    b"x-unknown",
    b"undefined",  # a Python codec that raises on every input
    b"utf-16",
    b"idna",
    b"=?undefined?q?=E4?=",
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Disposition: attachment; filename*0*=utf-8''%C3",
    b"=?utf-8?q?=C3=A4?=",
    b"=?x?b?w6Q?=",
    b"-----Original Message-----",
    b"Von: x\nGesendet: y\nBetreff: z",
    b"On Mon wrote:",
    b"-- ",
    b"Mit freundlichen Gr\xc3\xbc\xc3\x9fen",
    b"\xc3\x83\xc2\xa4",
    b"\xff\xfe\x00",
    b"<html><p>",
]


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, length, insert in edits:
        at = position % (len(out) + 1)
        out[at : at + length] = insert
    return bytes(out)


def assert_parses_or_rejects(raw: bytes) -> None:
    parsed, seconds = timed(raw)
    assert seconds < FAST
    if isinstance(parsed, MessageRejected):
        return
    assert isinstance(parsed.text, str) and isinstance(parsed.body, str)
    assert all(a.size == len(a.data) for a in parsed.attachments)


@FUZZ
@given(st.binary(max_size=4_000))
def test_random_bytes_never_raise_anything_else(raw: bytes):
    assert_parses_or_rejects(raw)


@FUZZ
@given(
    st.sampled_from(FIXTURE_BYTES),
    st.lists(
        st.tuples(st.integers(0, 20_000), st.integers(0, 64), st.binary(max_size=32)),
        min_size=1,
        max_size=12,
    ),
)
def test_mutated_fixtures_never_raise_anything_else(raw: bytes, edits):
    assert_parses_or_rejects(mutate(raw, edits))


@FUZZ
@given(st.lists(st.sampled_from(TOKENS) | st.binary(max_size=8), max_size=200))
def test_mail_shaped_noise_never_raises_anything_else(tokens: list[bytes]):
    assert_parses_or_rejects(b"".join(tokens))
