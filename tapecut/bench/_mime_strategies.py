"""Hypothesis strategies for hostile mail, and the check every input must pass.

Used by ``tapecut bench fuzz``. The structured strategy builds MIME trees the way broken and
malicious senders do: wrong or unknown charsets, broken base64 and quoted-printable, boundaries
that clash, RFC 2231 parameter fragments, nested messages, huge or empty headers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tapecut.intake.parsing import MessageRejected, ParsedMessage, parse_message

TOKENS = [
    *(b"\r\n", b"\n", b"\n\n", b" ", b"\t", b":", b";", b'"', b"=", b"--b", b"--b--", b">"),
    *(b"From: ", b"Subject: ", b"To: ", b"Content-Type: ", b"message/rfc822", b"utf-8"),
    *(b"multipart/mixed; boundary=b", b"multipart/alternative; boundary=b", b"text/html"),
    *(b"x-unknown", b"undefined", b"utf-16", b"idna", b"=?undefined?q?=E4?=", b"=?x?b?w6Q?="),
    *(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable"),
    *(b"Content-Disposition: attachment; filename*0*=utf-8''%C3", b"=?utf-8?q?=C3=A4?="),
    *(b"-----Original Message-----", b"Von: x\nGesendet: y\nBetreff: z", b"On Mon wrote:"),
    *(b"-- ", b"Mit freundlichen Gr\xc3\xbc\xc3\x9fen", b"\xc3\x83\xc2\xa4", b"\xff\xfe\x00"),
    b"<html><p>",
]
CHARSETS = ["utf-8", "latin-1", "iso-8859-15", "gb2312", "koi8-r", "utf-16", "x-unknown",
            "undefined", "idna", "cp1252", "utf-7", ""]  # fmt: skip
SUBTYPES = ["plain", "html", "calendar", "rfc822-headers", "x-vcard"]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]


@dataclass
class Checker:
    """Parses each input, keeps the slowest, raises on anything the parser must not do.

    Time is CPU time of the parsing thread: a busy machine does not make a parse "slow".
    """

    slow_seconds: float = 2.0
    examples: int = 0
    rejected: int = 0
    slowest: float = 0.0

    def check(self, raw: bytes) -> None:
        self.examples += 1
        started = time.thread_time()
        try:
            parsed: ParsedMessage | None = parse_message(raw)
        except MessageRejected:
            parsed = None
        cpu = time.thread_time() - started
        self.slowest = max(self.slowest, cpu)
        assert cpu < self.slow_seconds, f"parsing took {cpu:.2f} s of CPU"
        if parsed is None:
            self.rejected += 1
            return
        assert isinstance(parsed.text, str) and isinstance(parsed.body, str)
        assert all(a.size == len(a.data) for a in parsed.attachments)

    def summary(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "rejected": self.rejected,
            "slowest_ms": round(self.slowest * 1000, 1),
        }


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, length, insert in edits:
        at = position % (len(out) + 1)
        out[at : at + length] = insert
    return bytes(out)


def edits() -> st.SearchStrategy[list[tuple[int, int, bytes]]]:
    piece = st.sampled_from(TOKENS) | st.binary(max_size=32)
    return st.lists(
        st.tuples(st.integers(0, 300_000), st.integers(0, 64), piece), min_size=1, max_size=16
    )


@st.composite
def header(draw: Any) -> bytes:
    name = draw(st.sampled_from(["Subject", "From", "To", "Content-Type", "X-Any", "Cc"]))
    value = draw(st.binary(max_size=200) | st.sampled_from(TOKENS))
    fold = draw(st.sampled_from([b"", b"\r\n ", b"\r\n\t", b"\n "]))
    return name.encode() + b": " + value + fold + draw(st.binary(max_size=20)) + b"\r\n"


@st.composite
def leaf(draw: Any) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    params = f"; charset={charset}" if charset else ""
    if draw(st.booleans()):
        params += '; name*0*=utf-8\'\'%E2%82; name*1=x; filename="a\\"b"'
    head = (
        f"Content-Type: text/{draw(st.sampled_from(SUBTYPES))}{params}\r\n"
        f"Content-Transfer-Encoding: {draw(st.sampled_from(ENCODINGS))}\r\n"
    ).encode()
    body = draw(st.binary(max_size=600) | st.sampled_from(TOKENS))
    return head + b"\r\n" + body + b"\r\n"


def part(depth: int) -> st.SearchStrategy[bytes]:
    if depth <= 0:
        return leaf()
    return leaf() | multipart(depth - 1) | rfc822(depth - 1)


@st.composite
def multipart(draw: Any, depth: int = 3) -> bytes:
    boundary = draw(st.sampled_from(["b", "b--", "=_x", "", "a" * 70, "b b"]))
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "digest"]))
    parts = draw(st.lists(part(depth), max_size=6))
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
    for body in parts:
        out += f"--{boundary}\r\n".encode() + body
    if draw(st.booleans()):  # the closing delimiter is often missing in broken mail
        out += f"--{boundary}--\r\n".encode()
    return out


@st.composite
def rfc822(draw: Any, depth: int = 2) -> bytes:
    inner = b"".join(draw(st.lists(header(), max_size=4))) + draw(part(depth))
    return b"Content-Type: message/rfc822\r\n\r\n" + inner


@st.composite
def structured(draw: Any) -> bytes:
    headers = b"".join(draw(st.lists(header(), max_size=8)))
    return headers + b"MIME-Version: 1.0\r\n" + draw(part(3))


def all_strategies(seeds: list[bytes]) -> dict[str, st.SearchStrategy[bytes]]:
    mutated = st.builds(mutate, st.sampled_from(seeds), edits()) if seeds else st.binary()
    return {
        "random": st.binary(max_size=8_000),
        "mutated": mutated,
        "noise": st.lists(st.sampled_from(TOKENS) | st.binary(max_size=8), max_size=300).map(
            b"".join
        ),
        "structured": structured(),
    }
