"""The names an inbox row shows by id: category, theme, assignee.

Joining the category, theme and user tables into the rows' query made PostgreSQL plan a
seven-table join on every view of the inbox: about 6 ms of the database's CPU time against
1.5 ms for the same rows with three joins fewer (`tapecut bench scale`, docs/benchmarks.md).
The page reads every category, every theme's label and every triager for its select lists
anyway (``inbox_lists``); the rows take their names from there, and ask the database only for
an id those lists do not have (a theme made a moment ago, an assignee who is no longer a
triager).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from tapecut.analysis.models import Category, Theme
from tapecut.triage.inbox_lists import InboxLists


@dataclass(frozen=True)
class Names:
    categories: dict[int, tuple[str, str]]  # id → (English, German) name
    themes: dict[int, str]  # id → label (title, else first keywords)
    users: dict[int, str]  # id → username

    @classmethod
    def of(cls, rows: Iterable[dict[str, Any]], lists: InboxLists) -> Names:
        rows = list(rows)
        names = cls(
            {pk: (en, de) for pk, _slug, en, de, _active in lists.categories},
            {pk: label for pk, label in lists.themes.items if pk != ""},
            dict(lists.triagers),
        )
        names._complete(rows)
        return names

    def _complete(self, rows: list[dict[str, Any]]) -> None:
        wanted = _missing(rows, "analysis__category_id", self.categories)
        if wanted:
            found = Category.objects.filter(pk__in=wanted)
            self.categories.update((c.pk, (c.name_en, c.name_de)) for c in found)
        wanted = _missing(rows, "analysis__theme_id", self.themes)
        if wanted:
            found_themes = Theme.objects.filter(pk__in=wanted).values_list(
                "id", "title", "keywords", "titles", "title_source"
            )
            self.themes.update((row[0], Theme.label_for(*row)) for row in found_themes)
        wanted = _missing(rows, "assignment__triager_id", self.users)
        if wanted:
            user = get_user_model()
            found_users = user.objects.filter(pk__in=wanted).values_list("pk", user.USERNAME_FIELD)
            self.users.update(found_users)


def _missing(rows: list[dict[str, Any]], column: str, known: dict[int, Any]) -> set[int]:
    return {row[column] for row in rows if row[column] is not None} - known.keys()
