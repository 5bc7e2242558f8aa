"""The roadmap ("You said, we did"): changes by stage, in the reader's language, counts only
from MIN_REPORTS up (a small count can point at a person), never a name.

Who may read it is TAPECUT_BOARD: ``public`` (anybody), ``internal`` (anybody signed in) or
``off``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count

from tapecut.triage import linked, texts
from tapecut.triage.models import Change, FixFeedback, Follow, MeToo

# Fewer reports than this are never summarised: a small count can point at a person.
MIN_REPORTS = 5
PER_STAGE = 200
MODES = ("public", "internal", "off")

Status = Change.Status
# Stage on the board, the change's status, and the time that dates it there.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("planned", Status.APPROVED, "approved_at"),
    ("in_progress", Status.IN_PROGRESS, "started_at"),
    ("done", Status.DONE, "done_at"),
    ("declined", Status.DECLINED, "declined_at"),
)


def mode() -> str:
    return str(settings.TAPECUT_BOARD)


def may_read(user: Any) -> bool:
    if mode() == "public":
        return True
    return mode() == "internal" and bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class BoardEntry:
    change: Change
    words: texts.Words
    report_count: int | None  # None: fewer than MIN_REPORTS
    helped: int | None
    answers: int | None
    me_too: int | None  # employees who said "me too", from MIN_REPORTS up
    said_me_too: bool  # the reader did
    following: bool  # the reader follows it
    date: dt.datetime | None


def at_least(n: int) -> int | None:
    return n if n >= MIN_REPORTS else None


def stages(language: str, user: Any = None) -> dict[str, list[BoardEntry]]:
    """Every stage's entries, newest first."""
    found: dict[str, list[Change]] = {}
    for name, status, stamp in STAGES:
        changes = linked.with_report_count(Change.objects.filter(status=status))
        changes = changes.order_by(f"-{stamp}", "-id")
        found[name] = list(changes[:PER_STAGE])
    ids = [c.pk for group in found.values() for c in group]
    extra = _Extras(ids, user)
    return {
        name: [extra.entry(change, language, stamp) for change in found[name]]
        for name, _status, stamp in STAGES
    }


class _Extras:
    """What the entries need beyond the change, read for all of them at once."""

    def __init__(self, ids: list[int], user: Any) -> None:
        self.texts = texts.texts_by_change(ids)
        self.me_too = dict(
            MeToo.objects.filter(change_id__in=ids)
            .values_list("change_id")
            .annotate(n=Count("id"))
            .values_list("change_id", "n")
        )
        self.answers: dict[int, dict[str, int]] = {}
        rows = (
            FixFeedback.objects.filter(change_id__in=ids)
            .values_list("change_id", "answer")
            .annotate(n=Count("id"))
        )
        for change_id, answer, n in rows:
            self.answers.setdefault(change_id, {})[answer] = n
        user_id = int(user.pk) if getattr(user, "is_authenticated", False) else 0
        self.mine = set(MeToo.objects.filter(user_id=user_id).values_list("change_id", flat=True))
        self.follows = set(
            Follow.objects.filter(user_id=user_id).values_list("change_id", flat=True)
        )

    def entry(self, change: Change, language: str, stamp: str) -> BoardEntry:
        answers = self.answers.get(change.pk, {})
        total = sum(answers.values())
        return BoardEntry(
            change=change,
            words=texts.localized(change, language, self.texts.get(change.pk, {})),
            # The same count as every other count of a change's reports (tapecut.triage.linked).
            report_count=at_least(getattr(change, "report_count", 0)),
            helped=answers.get("yes", 0) if total >= MIN_REPORTS else None,
            answers=at_least(total),
            me_too=at_least(self.me_too.get(change.pk, 0)),
            said_me_too=change.pk in self.mine,
            following=change.pk in self.follows,
            date=getattr(change, stamp),
        )
