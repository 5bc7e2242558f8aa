"""Reading messages from disk for ``tapecut import``: no database, one message at a time.

What is read where:

* a file is one message, even when it begins with an mbox ``From `` envelope line (that line is
  taken off the bytes and kept as ``extra["mbox_from"]``);
* a file named ``*.mbox`` or ``mbox`` (or any file with ``--format mbox``) is split as an mbox;
* a folder with at least two of ``cur``/``new``/``tmp`` is a maildir: the files in ``cur`` and
  ``new`` are messages (``tmp`` holds deliveries still being written);
* any other folder is walked recursively. Hidden entries (``.DS_Store``, ``.git``), empty files,
  links to folders and things that are not plain files are skipped and reported.

Everything is a generator, so a large mbox or tree never sits in memory: the caller sees
``Message``, ``Skipped`` and ``Problem`` items in a stable (sorted) order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

FORMATS = ("auto", "eml", "mbox", "maildir")
MAILDIR_PARTS = ("cur", "new", "tmp")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Message:
    """One message as found: the bytes to store and where they came from."""

    raw: bytes = field(repr=False)
    extra: dict[str, Any]
    # Bytes of the source this item accounts for (for a progress bar).
    source_bytes: int = 0


@dataclass(frozen=True)
class Skipped:
    """Left out on purpose (hidden, empty, not a plain file)."""

    path: str
    reason: str
    source_bytes: int = 0


@dataclass(frozen=True)
class Problem:
    """Could not be read (permission, too big, not an mbox): reported, the rest goes on."""

    path: str
    error: str
    source_bytes: int = 0


Item = Message | Skipped | Problem


def display(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be printed and stored (undecodable bytes escaped)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_mbox_name(path: Path) -> bool:
    name = path.name.lower()
    return name == "mbox" or name.endswith(".mbox")


def is_maildir(path: Path) -> bool:
    return sum((path / part).is_dir() for part in MAILDIR_PARTS) >= 2


def iter_items(
    paths: list[Path], fmt: str = "auto", max_bytes: int | None = None
) -> Iterator[Item]:
    """Everything found under ``paths``, one message at a time."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    for path in paths:
        yield from _iter_path(path, fmt, max_bytes)


def _iter_path(path: Path, fmt: str, max_bytes: int | None) -> Iterator[Item]:
    try:
        if path.is_dir():
            yield from _iter_folder(path, fmt, max_bytes)
        elif fmt == "maildir":
            yield Problem(display(path), "not a maildir (a folder with cur/ and new/)")
        elif not path.exists():
            yield Problem(display(path), "no such file or folder")
        elif not path.is_file():
            yield Skipped(display(path), "not a plain file")
        elif fmt == "mbox" or (fmt == "auto" and is_mbox_name(path)):
            yield from iter_mbox(path, max_bytes)
        else:
            yield read_single(path, max_bytes)
    except OSError as exc:
        yield Problem(display(path), _os_error(exc))


def _iter_folder(path: Path, fmt: str, max_bytes: int | None) -> Iterator[Item]:
    if fmt == "maildir" or (fmt == "auto" and is_maildir(path)):
        yield from iter_maildir(path, max_bytes)
        return
    for name in sorted_names(path):
        child = path / name
        if name.startswith("."):
            yield Skipped(display(child), "hidden")
        elif child.is_symlink() and child.is_dir():
            # Not followed: a link back up the tree would never end.
            yield Skipped(display(child), "link to a folder (not followed)")
        else:
            yield from _iter_path(child, fmt, max_bytes)


def sorted_names(path: Path) -> list[str]:
    # Sorted so that two runs over the same tree see the messages in the same order. Only the
    # names are held (one folder at a time), never what the files contain.
    return sorted(os.listdir(path))


def iter_maildir(path: Path, max_bytes: int | None = None) -> Iterator[Item]:
    """Messages in ``cur`` and ``new``, then Maildir++ sub-folders (``.Sent``, ``.Archive``)."""
    if not any((path / part).is_dir() for part in ("cur", "new")):
        yield Problem(display(path), "not a maildir (a folder with cur/ and new/)")
        return
    for part in ("cur", "new"):
        sub = path / part
        if not sub.is_dir():
            continue
        for name in sorted_names(sub):
            child = sub / name
            if name.startswith("."):
                yield Skipped(display(child), "hidden")
            elif not child.is_file():
                yield Skipped(display(child), "not a plain file")
            else:
                yield read_single(child, max_bytes, fmt="maildir")
    for name in sorted_names(path):
        child = path / name
        if name.startswith(".") and child.is_dir() and is_maildir(child):
            yield from iter_maildir(child, max_bytes)


def read_single(path: Path, max_bytes: int | None = None, *, fmt: str = "eml") -> Item:
    """One file, one message; a leading mbox ``From `` line goes into ``extra``."""
    try:
        size = path.stat().st_size
        if size == 0:
            return Skipped(display(path), "empty file")
        if max_bytes is not None and size > max_bytes:
            return Problem(display(path), _too_big(size, max_bytes), size)
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(display(path), _os_error(exc))
    extra: dict[str, Any] = {"path": display(path.absolute()), "format": fmt}
    if raw.startswith(b"From "):
        first, _, rest = raw.partition(b"\n")
        extra["mbox_from"] = _envelope_text(first)
        raw = rest
    if not raw:
        return Skipped(display(path), "empty message (only an mbox From line)")
    return Message(raw, extra, size)


def iter_mbox(path: Path, max_bytes: int | None = None) -> Iterator[Item]:
    """Split an mbox file message by message, streaming.

    A message starts at a ``From `` line at the start of the file or after an empty line. The
    bytes are kept as they are (no ``>From`` unescaping: the mbox variant cannot be known for
    sure, and the stored bytes should be what the file holds).
    """
    where = display(path.absolute())
    with path.open("rb") as fh:
        first = fh.readline(_CHUNK)
        if not first:
            return
        if not first.startswith(b"From "):
            yield Problem(where, "not an mbox file: it does not begin with a 'From ' line")
            return
        for index, (envelope, raw, size) in enumerate(_split_mbox(first, fh, max_bytes), 1):
            label = f"{where} (message {index})"
            extra = {"path": where, "format": "mbox", "mbox_index": index}
            extra["mbox_from"] = _envelope_text(envelope)
            if raw is None:
                yield Problem(label, _too_big(size, max_bytes or 0), size)
            elif not raw.strip():
                yield Skipped(label, "empty message")
            else:
                yield Message(raw, extra, size)


def _split_mbox(
    first: bytes, fh: BinaryIO, max_bytes: int | None
) -> Iterator[tuple[bytes, bytes | None, int]]:
    """(From_ line, message bytes or None when too big, bytes read) for each message."""
    envelope, size = first, len(first)
    parts: list[bytes] = []
    at_line_start, prev_blank = first.endswith(b"\n"), False
    while True:
        chunk = fh.readline(_CHUNK)
        if not chunk or (at_line_start and prev_blank and chunk.startswith(b"From ")):
            too_big = max_bytes is not None and size - len(envelope) > max_bytes
            yield envelope, None if too_big else _drop_separator(b"".join(parts)), size
            if not chunk:
                return
            envelope, parts, size, prev_blank = chunk, [], len(chunk), False
        else:
            size += len(chunk)
            if max_bytes is None or size - len(envelope) <= max_bytes:
                parts.append(chunk)
            else:
                parts = []  # too big: keep counting to the next message, hold nothing
            prev_blank = at_line_start and chunk in (b"\n", b"\r\n")
        at_line_start = chunk.endswith(b"\n")


def _drop_separator(raw: bytes) -> bytes:
    # The empty line before the next From_ line belongs to the mbox, not to the message.
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending * 2):
            return raw[: -len(ending)]
    return raw


def _envelope_text(line: bytes) -> str:
    return line.rstrip(b"\r\n").decode("utf-8", "replace")


def _too_big(size: int, max_bytes: int) -> str:
    return f"larger than the limit ({size} > {max_bytes} bytes, TAPECUT_MAX_MESSAGE_BYTES)"


def _os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


def estimate_bytes(paths: list[Path]) -> int:
    """Roughly how many bytes ``iter_items`` will read: a total for the progress bar only."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
            continue
        for root, dirs, files in os.walk(path, onerror=lambda exc: None):
            dirs[:] = [d for d in dirs if not d.startswith(".") or is_maildir(Path(root, d))]
            for name in files:
                if not name.startswith("."):
                    total += _size(Path(root, name))
    return total


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
