"""Thousands of short plain messages for ``tapecut bench intake --short N``.

Most mail a mailbox gets is short and plain; the shared corpus is parser fixtures, larger on
average, where per-message database cost hides behind parsing. Each message made here has the
header block of a real message from PATH (its own ``Received``, ``From``, ``Subject`` … lines;
MIME headers and the Message-ID replaced) and a body of one to four real sentences taken from
the plain text of the messages under PATH.
"""

from __future__ import annotations

import random
from pathlib import Path

from tapecut.bench import _sentences
from tapecut.intake import importing
from tapecut.intake.parsing import MessageRejected, parse_message

MAX_HEAD_BYTES = 4096
_DROPPED = (b"content-", b"mime-version:", b"message-id:")
_PLAIN = (
    b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
)


def write_short_corpus(source: Path, target: Path, count: int) -> Path:
    """``count`` short plain messages under ``target``, one ``.eml`` file each."""
    heads, texts = _read(source)
    sentences = _sentences.distinct_sentences(texts) or ["Das Formular fragt dreimal dasselbe."]
    if not heads:
        heads = [b"From: Someone <someone@example.org>\nTo: mailbox@example.org\nSubject: Hi\n"]
    rng = random.Random(count)  # benchmark data, not secrets
    target.mkdir(parents=True)
    for n in range(count):
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4)))
        message_id = b"Message-ID: <short-%d@bench.tapecut.invalid>\n" % n
        raw = heads[n % len(heads)] + message_id + _PLAIN + b"\n" + body.encode() + b"\n"
        (target / f"{n:07d}.eml").write_bytes(raw)
    return target


def _read(source: Path) -> tuple[list[bytes], list[str]]:
    """Header blocks (up to MAX_HEAD_BYTES, LF line ends) and plain texts of ``source``."""
    heads, texts = [], []
    for item in importing.iter_items([source]):
        if not isinstance(item, importing.Message):
            continue
        raw = item.raw.replace(b"\r\n", b"\n")
        head = raw.split(b"\n\n", 1)[0]
        if len(head) <= MAX_HEAD_BYTES:
            heads.append(_without_mime(head) + b"\n")
        try:
            texts.append(parse_message(item.raw).text)
        except MessageRejected:
            continue
    return heads, texts


def _without_mime(head: bytes) -> bytes:
    """Drop the MIME and Message-ID fields (with their folded lines)."""
    kept: list[bytes] = []
    dropping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(_DROPPED)
        if not dropping:
            kept.append(line)
    return b"\n".join(kept)
