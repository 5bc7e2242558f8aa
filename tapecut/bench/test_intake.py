"""``tapecut bench intake --short N``: the short plain messages it makes from a folder of mail."""

from __future__ import annotations

from pathlib import Path

from tapecut.bench import intake
from tapecut.bench._short_mail import write_short_corpus
from tapecut.intake.parsing import parse_message

FIXTURES = Path(__file__).resolve().parents[1] / "intake" / "fixtures" / "eml"


def test_short_messages_are_plain_distinct_and_keep_real_headers(tmp_path: Path) -> None:
    folder = write_short_corpus(FIXTURES, tmp_path / "short", 40)
    files = sorted(folder.iterdir())
    assert len(files) == 40
    raws = [p.read_bytes() for p in files]
    assert len(set(raws)) == 40
    assert max(len(raw) for raw in raws) < 8 * 1024
    parsed = [parse_message(raw) for raw in raws]
    assert all(p.text and not p.attachments for p in parsed)
    assert len({p.message_id for p in parsed}) == 40
    assert len({p.from_address for p in parsed} - {""}) >= 3  # the real messages' senders


def test_the_cpu_ratio_compares_rates() -> None:
    assert intake.cpu_ratio(100, 2.0, 100, 1.0) == 0.5
    assert intake.cpu_ratio(100, 0.0, 100, 1.0) == 0.0
