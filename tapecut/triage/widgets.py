"""Select lists with hundreds of options, rendered in one pass.

Django renders each ``<option>`` through its own widget template: for the inbox's theme lists
(one option per theme, hundreds at scale) that was about half of the page's CPU time. These
build the same markup with one escape and one join per option, and load only the columns the
labels need.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, Max
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tapecut.analysis.models import Theme

_LOCK = threading.Lock()
_THEMES: dict[str | None, tuple[Any, Choices]] = {}


def options_html(choices: Iterable[tuple[Any, Any]], selected: Any = None) -> SafeString:
    """``<option>`` elements for (value, label) pairs; ``selected`` is the chosen value."""

    chosen = "" if selected is None else str(selected)
    parts = []
    for value, label in choices:
        text = "" if value is None else str(value)
        mark = " selected" if text == chosen else ""
        parts.append(f'<option value="{html.escape(text)}"{mark}>{_text(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


def _text(label: Any) -> str:
    # The standard library's escape: Django's would check every argument for laziness first.
    return conditional_escape(label) if isinstance(label, SafeString) else html.escape(str(label))


@dataclass(frozen=True)
class Choices:
    """A list of choices with its ``<option>`` markup made once (for lists reused across
    requests, such as every theme)."""

    items: list[tuple[Any, str]]
    markup: str

    @classmethod
    def of(cls, items: list[tuple[Any, str]]) -> Choices:
        return cls(items, str(options_html(items)))

    def options(self, selected: Any = "") -> SafeString:
        chosen = "" if selected is None else str(selected)
        if not chosen:
            return mark_safe(self.markup)  # noqa: S308 - escaped by options_html
        needle = f'<option value="{html.escape(chosen)}">'
        marked = self.markup.replace(needle, f"{needle[:-1]} selected>", 1)
        return mark_safe(marked)  # noqa: S308 - escaped by options_html


class QuickSelect(forms.Select):
    """A single-choice ``<select>`` that renders its options without per-option templates;
    with ``prepared`` set, from that list's ready markup."""

    prepared: Choices | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        values = self.format_value(value)
        selected = values[0] if values else ""
        if self.prepared is not None:
            options = self.prepared.options(selected)
        else:
            options = options_html(self.choices, selected)
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308


class QuickTextInput(forms.TextInput):
    """An ``<input>`` rendered by formatting one string (``input_type`` from the attrs)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        final.setdefault("type", self.input_type)
        shown = self.format_value(value)
        if shown is not None:
            final["value"] = shown
        return mark_safe(f"<input{flatatt(final)}>")  # noqa: S308 - flatatt escapes


class QuickDateInput(forms.DateInput, QuickTextInput):
    render = QuickTextInput.render


def themes_for_choice() -> Any:
    """Themes by title, with only the columns their labels use (not their centroids)."""

    return Theme.objects.only(*Theme.LABEL_FIELDS).order_by("title", "id")


def theme_choices() -> Choices:
    """Every theme, for select lists, with its markup.

    Kept in this process while the themes stay as they were: the cheap check is their number,
    newest id and latest change (every write to a theme's title or keywords saves
    ``updated_at``), so a renamed, added or removed theme shows on the next page.
    """

    stamp = tuple(
        Theme.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at")).values()
    )
    # Labels are in the page's language (Theme.label_for): one list per language.
    language = get_language()
    with _LOCK:
        cached = _THEMES.get(language)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rows = Theme.objects.order_by("title", "id").values_list(
        "id", "title", "keywords", "titles", "title_source"
    )
    items = [("", "—"), *((row[0], Theme.label_for(*row, language=language)) for row in rows)]
    choices = Choices.of(items)
    with _LOCK:
        _THEMES[language] = (stamp, choices)
    return choices
