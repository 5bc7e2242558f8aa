"""A duplicate link's reason: Tapecut's words in the reader's language, a person's as written."""

from __future__ import annotations

from django.utils import translation

from tapecut.analysis.link_reasons import reason_shown

SIGNALS = (
    "text overlap 0.82 (Jaccard of 5-character shingles), meaning 0.91 (centred cosine), "
    "the same numbers"
)


def test_the_duplicates_stages_signals_read_in_german() -> None:
    with translation.override("de"):
        assert reason_shown(SIGNALS) == (
            "Textüberschneidung 0,82 (Jaccard über Folgen von 5 Zeichen), "
            "Bedeutung 0,91 (zentrierter Kosinus), dieselben Zahlen"
        )
        assert reason_shown(SIGNALS.replace("the same", "different")).endswith("andere Zahlen")
    with translation.override("en"):
        assert reason_shown(SIGNALS) == SIGNALS


def test_the_verbs_are_translated_and_what_a_person_typed_is_not() -> None:
    stored = f"Merged automatically: {SIGNALS}\nUnmerged: Different trips\nRejected: nope"
    with translation.override("de"):
        lines = reason_shown(stored).split("\n")
    assert lines[0].startswith("Automatisch zusammengeführt: Textüberschneidung 0,82")
    assert lines[1:] == ["Getrennt: Different trips", "Abgelehnt: nope"]
    with translation.override("de"):
        assert reason_shown("Merged by hand") == "Von Hand zusammengeführt"
        assert reason_shown("Merged by hand: same form") == "Von Hand zusammengeführt: same form"
        assert reason_shown("a note someone wrote") == "a note someone wrote"
    with translation.override("en"):
        assert reason_shown(stored) == stored
