"""Groups of fewer than five reports are never shown on their own."""

from __future__ import annotations

from tapecut.insights.privacy import OTHER, Group, fold

OTHER_LABEL = "other (fewer than 5)"


def rows(groups: list[Group]) -> list[tuple[str, int]]:
    return [(g.key, g.reports) for g in groups]


def test_small_groups_are_folded_into_other() -> None:
    groups = [Group("a", "A", 12), Group("b", "B", 2), Group("c", "C", 3), Group("d", "D", 7)]
    assert rows(fold(groups, OTHER_LABEL)) == [("a", 12), ("d", 7), (OTHER, 5)]
    assert fold(groups, OTHER_LABEL)[-1].label == OTHER_LABEL


def test_an_other_row_below_five_takes_the_smallest_shown_group_along() -> None:
    # B alone (3) would reveal a group of three: C (6) joins it, A stays.
    groups = [Group("a", "A", 9), Group("b", "B", 3), Group("c", "C", 6)]
    assert rows(fold(groups, OTHER_LABEL)) == [("a", 9), (OTHER, 9)]


def test_when_everything_is_small_nothing_small_is_shown() -> None:
    assert fold([Group("a", "A", 2), Group("b", "B", 1)], OTHER_LABEL) == []
    assert rows(fold([Group("a", "A", 2), Group("b", "B", 3)], OTHER_LABEL)) == [(OTHER, 5)]


def test_groups_of_five_or_more_stay_and_values_are_summed() -> None:
    groups = [
        Group("a", "A", 5, 1.5),
        Group("b", "B", 6, 9.0),
        Group("c", "C", 4, 2.25),
        Group("d", "D", 1, 0.5),
    ]
    folded = fold(groups, OTHER_LABEL, by_value=True)
    assert [(g.key, g.reports, g.value) for g in folded] == [
        ("b", 6, 9.0),
        ("a", 5, 1.5),
        (OTHER, 5, 2.75),
    ]


def test_empty_groups_are_left_out() -> None:
    assert rows(fold([Group("a", "A", 0), Group("b", "B", 8)], OTHER_LABEL)) == [("b", 8)]
