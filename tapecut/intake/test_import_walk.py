"""Reading mail from disk (tapecut.intake.importing): no database involved."""

from __future__ import annotations

import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

from tapecut.intake.importing import (
    Message,
    Problem,
    Skipped,
    estimate_bytes,
    iter_items,
    iter_mbox,
    read_single,
)

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def messages(items: list) -> list[Message]:
    return [i for i in items if isinstance(i, Message)]


def test_fixture_tree_yields_every_message_once_in_a_stable_order():
    items = list(iter_items([FIXTURES]))
    found = messages(items)
    assert [Path(m.extra["path"]).name for m in found] == [
        "Antrag [Kopie] Überstunden – März.eml",
        "archive.mbox",
        "archive.mbox",
        "archive.mbox",
        "duplicate.eml",
        "leading-from.eml",
        "1767600000.M1P100.mailhost,S=416",
        "1767700000.M2P200.mailhost",
    ]
    assert [m.extra["format"] for m in found] == [
        "eml",
        *["mbox"] * 3,
        "eml",
        "eml",
        *["maildir"] * 2,
    ]
    assert [m.extra.get("mbox_index") for m in found[1:4]] == [1, 2, 3]
    assert not [i for i in items if not isinstance(i, Message)]


def test_a_leading_from_line_is_envelope_data_not_message_bytes():
    item = read_single(FIXTURES / "leading-from.eml")
    assert isinstance(item, Message)
    assert item.extra["mbox_from"] == "From alice@example.org Mon Jan  5 10:00:00 2026"
    assert item.raw.startswith(b"From: Alice Example")
    assert item.source_bytes == (FIXTURES / "leading-from.eml").stat().st_size


def test_a_file_is_one_message_even_with_more_from_lines_inside(tmp_path):
    path = tmp_path / "note.eml"
    path.write_bytes(b"From a@b Mon Jan 5 2026\nSubject: x\n\nbody\n\nFrom me: hello\nmore\n")
    item = read_single(path)
    assert isinstance(item, Message)
    assert item.raw == b"Subject: x\n\nbody\n\nFrom me: hello\nmore\n"


def test_mbox_split_keeps_bytes_and_drops_only_the_separator():
    first, second, third = messages(list(iter_mbox(FIXTURES / "archive.mbox")))
    assert first.extra["mbox_from"] == "From carla@example.org Wed Jan  7 08:00:00 2026"
    # Kept as written: no >From unescaping, and the message's own last line is intact.
    assert b"\n>From the front desk" in first.raw
    assert first.raw.endswith(b"\nCarla\n")
    assert second.extra["mbox_from"].startswith("From dirk@example.org")
    assert third.raw.startswith(b"From: Carla Muster")
    assert third.raw.endswith(b"\nCarla\n")
    assert sum(m.source_bytes for m in (first, second, third)) == (
        (FIXTURES / "archive.mbox").stat().st_size
    )


def test_mbox_with_crlf_line_ends(tmp_path):
    path = tmp_path / "crlf.mbox"
    path.write_bytes(
        b"From a@x Mon Jan 5 2026\r\nSubject: one\r\n\r\nbody one\r\n\r\n"
        b"From b@x Mon Jan 5 2026\r\nSubject: two\r\n\r\nbody two\r\n"
    )
    one, two = messages(list(iter_items([path])))
    assert one.raw == b"Subject: one\r\n\r\nbody one\r\n"
    assert two.raw == b"Subject: two\r\n\r\nbody two\r\n"
    assert one.extra["mbox_from"] == "From a@x Mon Jan 5 2026"


def test_from_inside_a_paragraph_does_not_split_an_mbox(tmp_path):
    path = tmp_path / "mbox"  # the bare name "mbox" is an mbox too
    path.write_bytes(b"From a@x 2026\nSubject: one\n\nline\nFrom here on we wait.\n")
    (item,) = list(iter_items([path]))
    assert isinstance(item, Message)
    assert item.raw.endswith(b"From here on we wait.\n")


def test_format_mbox_forces_splitting_and_rejects_files_that_are_not_mboxes(tmp_path):
    (tmp_path / "Inbox").write_bytes(
        b"From a@x 2026\nSubject: a\n\nA\n\nFrom b@x 2026\nSubject: b\n"
    )
    (tmp_path / "notes.txt").write_bytes(b"Subject: not an mbox\n\nhello\n")
    items = list(iter_items([tmp_path], "mbox"))
    assert len(messages(items)) == 2
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert problem.path.endswith("notes.txt")
    assert "not an mbox" in problem.error


def test_format_maildir_on_a_plain_file_is_a_problem(tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(b"Subject: x\n\nbody\n")
    (item,) = list(iter_items([path], "maildir"))
    assert isinstance(item, Problem)
    assert "not a maildir" in item.error


def test_maildir_reads_cur_new_and_subfolders_but_not_tmp(tmp_path):
    box = tmp_path / "Maildir"
    for part in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new"):
        (box / part).mkdir(parents=True)
    (box / "cur" / "1.host:2,S").write_bytes(b"Subject: cur\n\nx\n")
    (box / "new" / "2.host").write_bytes(b"Subject: new\n\nx\n")
    (box / "tmp" / "3.host").write_bytes(b"Subject: half-delivered\n")
    (box / ".Sent" / "cur" / "4.host:2,S").write_bytes(b"Subject: sent\n\nx\n")
    (box / "dovecot-uidlist").write_bytes(b"3 V1 N5\n")
    subjects = [m.raw.split(b"\n")[0] for m in messages(list(iter_items([tmp_path])))]
    assert subjects == [b"Subject: cur", b"Subject: new", b"Subject: sent"]


def test_hidden_empty_special_and_unreadable_entries_are_reported(tmp_path):
    shutil.copy(FIXTURES / "leading-from.eml", tmp_path / "ok.eml")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".git").mkdir()
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "only-envelope.eml").write_bytes(b"From a@x 2026\n")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "gone.eml").symlink_to(tmp_path / "missing.eml")
    (tmp_path / "loop").symlink_to(tmp_path)
    items = list(iter_items([tmp_path]))
    assert len(messages(items)) == 1
    skipped = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert skipped == {
        ".DS_Store": "hidden",
        ".git": "hidden",
        "empty.eml": "empty file",
        "only-envelope.eml": "empty message (only an mbox From line)",
        "pipe": "not a plain file",
        "loop": "link to a folder (not followed)",
    }
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert Path(problem.path).name == "gone.eml"


def test_messages_over_the_size_limit_are_problems_and_the_rest_goes_on(tmp_path):
    big = b"Subject: big\n\n" + b"x" * 500 + b"\n"
    (tmp_path / "big.eml").write_bytes(big)
    (tmp_path / "box.mbox").write_bytes(
        b"From a@x 2026\nSubject: small\n\nA\n\nFrom b@x 2026\n" + big + b"\nFrom c@x 2026\n"
        b"Subject: after\n\nC\n"
    )
    items = list(iter_items([tmp_path], max_bytes=200))
    assert [m.raw.split(b"\n")[0] for m in messages(items)] == [
        b"Subject: small",
        b"Subject: after",
    ]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [Path(p.path.split(" (")[0]).name for p in problems] == ["big.eml", "box.mbox"]
    assert problems[1].path.endswith("(message 2)")
    assert all("TAPECUT_MAX_MESSAGE_BYTES" in p.error for p in problems)


def test_undecodable_file_names_are_shown_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9.eml")  # Latin-1 bytes on a UTF-8 file system
    (tmp_path / name).write_bytes(b"Subject: x\n\nbody\n")
    (item,) = messages(list(iter_items([tmp_path])))
    assert item.extra["path"].endswith("caf\\xe9.eml")
    item.extra["path"].encode("utf-8")  # printable and storable


def test_mbox_splitting_streams(tmp_path):
    path = tmp_path / "large.mbox"
    body = (b"line of text " * 6 + b"\n") * 120  # about 10 KB a message
    with path.open("wb") as fh:
        for n in range(500):
            fh.write(b"From x@y 2026\nSubject: %d\n\n" % n + body + b"\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_items([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 500
    assert path.stat().st_size > 4_000_000
    assert peak < 200_000  # a few messages' worth, not the 5 MB file


def test_estimate_bytes_counts_what_will_be_read():
    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert estimate_bytes([FIXTURES]) == total
    assert estimate_bytes([FIXTURES / "archive.mbox"]) == (FIXTURES / "archive.mbox").stat().st_size


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        list(iter_items([FIXTURES], "pst"))
