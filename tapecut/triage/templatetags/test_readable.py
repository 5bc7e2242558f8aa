"""The audit trail's details read the same on both databases."""

from __future__ import annotations

from tapecut.triage.templatetags.readable import readable


def test_a_before_and_after_reads_old_first_whatever_order_the_keys_were_kept_in() -> None:
    # PostgreSQL's jsonb hands the keys back sorted ("new" before "old").
    assert (
        readable({"new": "done", "old": "open", "note": "x"}) == "old: open · new: done · note: x"
    )
    assert readable({"to": 3, "from": 2}) == "from: 2 · to: 3"


def test_other_keys_keep_their_order() -> None:
    assert readable({"b": 1, "a": {"z": 1, "y": None}}) == "b: 1 · a: z 1, y —"
