"""The inbox's filter fields and bulk-action lists, rendered once per process and language.

Every view of the inbox shows the same filter form (until someone filters) and the same lists
of themes, categories, statuses and triagers to apply to the selected reports. Rendering them
cost a third of the page's CPU time. They are kept here with what they were made from: the
themes' cheap stamp (``widgets.theme_choices``), every category and every triager as read on
this request. A list that changed gives a new key, so the next page shows it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape
from typing import Any

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tapecut.analysis.models import Category
from tapecut.intake.models import Report
from tapecut.triage import assignments
from tapecut.triage.widgets import Choices, theme_choices

KEPT = 16  # rendered variants kept per process (languages × list versions); more are dropped
_LOCK = threading.Lock()
_RENDERED: dict[tuple[Any, ...], dict[str, SafeString]] = {}


@dataclass(frozen=True)
class InboxLists:
    """What the page's lists are made of, read for this request."""

    themes: Choices
    categories: tuple[tuple[int, str, str, str, bool], ...]  # pk, slug, names, active
    triagers: tuple[tuple[int, str], ...]  # pk, username

    @classmethod
    def read(cls) -> InboxLists:
        categories = Category.objects.order_by("position", "slug").values_list(
            "pk", "slug", "name_en", "name_de", "active"
        )
        users = assignments.triagers().values_list("pk", get_user_model().USERNAME_FIELD)
        return cls(theme_choices(), tuple(categories), tuple(users))

    def key(self, *part: Any) -> tuple[Any, ...]:
        # The themes by their markup: the same string object while their stamp holds, so its
        # hash is computed once; an equal list made again compares equal.
        return (part, get_language(), self.themes.markup, self.categories, self.triagers)


def filter_fields(form: Any, lists: InboxLists) -> SafeString:
    """The filter form's fields; a form with no filter set (the inbox as opened, sorted or
    paged) from the kept copy."""
    data = tuple(form.data.get(name) for name in form.fields)  # None or "" when not set
    if any(data):
        return _render_fields(form)
    return _kept(lists.key("filters", data), lambda: _render_fields(form))


def bulk_options(lists: InboxLists) -> dict[str, SafeString]:
    """``<option>`` lists of the bulk-action fieldset: theme, category, status, assignee."""
    return _kept_dict(lists.key("bulk"), lambda: _bulk(lists))


def _render_fields(form: Any) -> SafeString:
    html = render_to_string("triage/_inbox_filters.html", {"form": form}).strip()
    return mark_safe(html)  # noqa: S308 - a template's output, escaped by it


def _bulk(lists: InboxLists) -> dict[str, SafeString]:
    empty = [("", "—")]
    active = [(pk, Category.name_for(en, de)) for pk, _slug, en, de, on in lists.categories if on]
    nobody = [("none", _("nobody"))]
    return {
        "theme": lists.themes.options(),
        "category": _options(empty + active),
        "status": _options(empty + list(Report.Status.choices)),
        "assignee": _options(empty + list(lists.triagers) + nobody),
    }


def _options(choices: list[tuple[Any, Any]]) -> SafeString:
    """``<option>`` elements with none marked as chosen (the browser shows the first)."""
    parts = (
        f'<option value="{escape(str(v))}">{escape(str(label))}</option>' for v, label in choices
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped here


def _kept(key: tuple[Any, ...], make: Any) -> SafeString:
    return _kept_dict(key, lambda: {"html": make()})["html"]


def _kept_dict(key: tuple[Any, ...], make: Any) -> dict[str, SafeString]:
    with _LOCK:
        found = _RENDERED.get(key)
    if found is not None:
        return found
    made: dict[str, SafeString] = make()
    with _LOCK:
        if len(_RENDERED) >= KEPT:
            _RENDERED.clear()
        _RENDERED[key] = made
    return made
