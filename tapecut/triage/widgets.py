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
from typing import Any

from django import forms
from django.db.models import Count, Max
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from tapecut.analysis.models import Theme

_LOCK = threading.Lock()
_THEMES: dict[str, Any] = {}


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


class QuickSelect(forms.Select):
    """A single-choice ``<select>`` that renders its options without per-option templates."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = self.format_value(value)
        options = options_html(self.choices, selected[0] if selected else "")
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

    return Theme.objects.only("id", "title", "keywords").order_by("title", "id")


def theme_choices() -> list[tuple[Any, str]]:
    """(id, label) of every theme, for select lists.

    Kept in this process while the themes stay as they were: the cheap check is their number,
    newest id and latest change (every write to a theme's title or keywords saves
    ``updated_at``), so a renamed, added or removed theme shows on the next page.
    """

    stamp = tuple(
        Theme.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at")).values()
    )
    with _LOCK:
        if _THEMES.get("stamp") == stamp:
            return list(_THEMES["choices"])
    rows = Theme.objects.order_by("title", "id").values_list("id", "title", "keywords")
    choices = [("", "—"), *((pk, Theme.label_for(pk, title, kws)) for pk, title, kws in rows)]
    with _LOCK:
        _THEMES.update(stamp=stamp, choices=choices)
    return list(choices)
