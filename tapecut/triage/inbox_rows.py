"""The inbox's table rows, rendered in Python.

The inbox is the page the team opens most. With fifty rows of template tags (URL reversing,
translations, display lookups, a dozen variable lookups each) the rows alone cost more than
the rest of the page; here each row is one escaped format string, with the URLs and labels
worked out once per page. The markup is the same the template used to write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tapecut.analysis.models import Category
from tapecut.intake.models import Channel, Mode, Report, Reporter
from tapecut.triage import assignments
from tapecut.triage.inbox_lists import InboxLists
from tapecut.triage.inbox_names import Names

# What a row shows, read as plain values: no texts, vectors or centroids, no model instances.
ROW_FIELDS = (
    "pk",
    "subject",
    "language",
    "mode",
    "channel",
    "status",
    "received_at",
    "reporter_id",
    "reporter__mode",
    "reporter__display_name",
    "reporter__address",
    "reporter__alias",
    "analysis__category_id",  # the names of these three from inbox_names: no joins
    "analysis__theme_id",
    "analysis__category_confidence",
    "analysis__category_confirmed_by_id",
    "assignment__triager_id",
    "answered",  # annotated by the view: tapecut.triage.assignments.answered()
)

ROW = (
    '<tr data-pk="{pk}"><td><input type="checkbox" name="reports" value="{pk}" id="sel-{pk}"'
    ' aria-label="{select}"></td><td>{pk}</td><td><a href="{href}">{subject}</a>{language}</td>'
    '<td>{reporter} <span class="meta">{identity}</span></td><td>{category}</td>'
    "<td>{theme}</td><td>{status}</td><td>{assignee}</td>"
    '<td class="age">{received}{age}</td></tr>'
)
AGE = ' <span class="badge age-{state}">{age}<span class="visually-hidden"> {label}</span></span>'


def rows_html(reports: Iterable[dict[str, Any]], lists: InboxLists) -> SafeString:
    """The ``<tr>`` elements of one page (escaped here: every value passes ``escape``)."""

    rows = list(reports)
    names = Names.of(rows, lists)

    report_url = _url_with_pk("triage:report")
    theme_url = _url_with_pk("triage:theme")
    labels = {
        **{("mode", k): str(v) for k, v in Mode.choices},
        **{("channel", k): str(v) for k, v in Channel.choices},
        **{("status", k): escape(str(v)) for k, v in Report.Status.choices},
    }
    select, no_subject = _("Select report %(n)s"), _("(no subject)")
    # What repeats from row to row is worked out once per page: the identity labels, the
    # category names (each asks for the language), the theme links, the assignees.
    identities = _Memo(
        lambda key: escape(f"{labels['mode', key[0]]} · {labels['channel', key[1]]}")
    )
    categories = _Memo(lambda pk: _category_name(*names.categories[pk]))
    themes = _Memo(lambda pk: _link(theme_url % pk, _truncate(names.themes[pk], 40)))
    users = _Memo(lambda pk: escape(names.users[pk]))
    age = _Ages(timezone.now(), _("waiting for a first answer"))
    out = []
    for row in rows:
        pk, theme, user = row["pk"], row["analysis__theme_id"], row["assignment__triager_id"]
        out.append(
            ROW.format(
                pk=pk,
                select=escape(select % {"n": pk}),
                href=escape(report_url % pk),
                subject=escape(_truncate(row["subject"] or no_subject, 90)),
                language=_tag(row["language"]),
                reporter=escape(_reporter(row)),
                identity=identities[row["mode"], row["channel"]],
                category=_category(row, categories),
                theme=themes[theme] if theme else "—",
                status=labels["status", row["status"]],
                assignee=users[user] if user else "—",
                received=timezone.localtime(row["received_at"]).strftime("%Y-%m-%d"),
                age=age(row),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


class _Memo(dict[Any, str]):
    """A dict that makes a missing value from its key (once per page)."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> str:
        value = self[key] = self.make(key)
        return value


def _reporter(row: dict[str, Any]) -> str:
    if not row["reporter_id"]:
        return Reporter.name_for(None, row["mode"], "", "", "")
    return Reporter.name_for(
        row["reporter_id"],
        row["reporter__mode"],
        row["reporter__display_name"],
        row["reporter__address"],
        row["reporter__alias"],
    )


def _category(row: dict[str, Any], names: _Memo) -> str:
    """The category's name; a suggestion nobody confirmed yet says how sure the model was."""
    category = row["analysis__category_id"]
    if category is None:
        return "—"
    name = names[category]
    confidence = row["analysis__category_confidence"]
    unconfirmed = not row["analysis__category_confirmed_by_id"]
    if unconfirmed and confidence is not None:
        return f'{name} <span class="meta">{round(confidence * 100)}%</span>'
    return name


def _category_name(name_en: str, name_de: str) -> str:
    return escape(Category.name_for(name_en or "—", name_de or ""))


class _Ages:
    """The age badge of a row that waits for a first answer (the target read once a page)."""

    def __init__(self, now: Any, label: str) -> None:
        self.now, self.label = now, escape(label)

    def __call__(self, row: dict[str, Any]) -> str:
        waiting = row["status"] in assignments.WAITING and not row["answered"]
        state = assignments.age_badge(row["received_at"], waiting=waiting, now=self.now)
        if not state:
            return ""
        age = assignments.short_age(row["received_at"], self.now)
        return AGE.format(state=state, age=escape(age), label=self.label)


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _tag(language: str) -> str:
    return f' <span class="tag">{escape(language)}</span>' if language else ""


def _url_with_pk(name: str) -> str:
    """The URL of a per-object page as a %-format with the id left open."""
    marker = 987654321
    return reverse(name, args=[marker]).replace("%", "%%").replace(str(marker), "%d")


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else Truncator(text).chars(limit)
