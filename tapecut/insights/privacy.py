"""Small groups are never shown on their own: a count of two can point at a person.

Every breakdown (by unit, category, channel, theme) goes through ``fold``: groups with fewer
than ``MIN_GROUP`` reports become one row, "other (fewer than 5)". Where that row would itself
hold fewer than ``MIN_GROUP`` reports, the smallest shown group joins it too, so that the
small ones cannot be worked out by subtracting the shown rows from the total. Where even
that leaves fewer than ``MIN_GROUP`` (every group is small), the small groups are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

# The same threshold as the "You said, we did" board (tapecut.triage.board).
MIN_GROUP = 5
OTHER = "__other__"


@dataclass(frozen=True)
class Group:
    key: str  # OTHER for the folded row
    label: str
    reports: int
    value: float = 0.0  # what is summed besides the count (hours), where there is something

    @property
    def is_other(self) -> bool:
        return self.key == OTHER


def fold(groups: list[Group], other_label: str, *, by_value: bool = False) -> list[Group]:
    """Small groups folded into one "other" row placed last; the rest largest first (by
    reports, or by ``value`` with ``by_value``)."""
    shown = sorted((g for g in groups if g.reports >= MIN_GROUP), key=_order)
    small = [g for g in groups if 0 < g.reports < MIN_GROUP]
    while small and sum(g.reports for g in small) < MIN_GROUP and shown:
        small.append(shown.pop())
    if by_value:
        shown.sort(key=lambda g: (-g.value, -g.reports, g.key))
    if not small:
        return shown
    if sum(g.reports for g in small) < MIN_GROUP:
        # Nothing left to fold them with: leave them out rather than show a small count.
        return shown
    other = Group(
        OTHER,
        other_label,
        sum(g.reports for g in small),
        round(sum(g.value for g in small), 2),
    )
    return [*shown, other]


def _order(group: Group) -> tuple[int, str]:
    # Ties are broken by key, never by label: labels depend on the reader's language, and two
    # languages folding different groups would together reveal the small ones.
    return (-group.reports, group.key)


def big_enough(count: int) -> bool:
    return count >= MIN_GROUP
