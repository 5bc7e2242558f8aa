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

from tapecut.analysis.models import Category, Theme
from tapecut.intake.models import Channel, Mode, Report, Reporter
from tapecut.triage import assignments

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
    "analysis__category__name_en",
    "analysis__category__name_de",
    "analysis__theme_id",
    "analysis__theme__title",
    "analysis__theme__keywords",
    "analysis__theme__titles",
    "analysis__theme__title_source",
    "analysis__category_confidence",
    "analysis__category_confirmed_by_id",
    "assignment__triager__username",
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


def rows_html(reports: Iterable[dict[str, Any]]) -> SafeString:
    """The ``<tr>`` elements of one page (escaped here: every value passes ``escape``)."""

    report_url = _url_with_pk("triage:report")
    theme_url = _url_with_pk("triage:theme")
    labels = {
        **{("mode", k): str(v) for k, v in Mode.choices},
        **{("channel", k): str(v) for k, v in Channel.choices},
        **{("status", k): escape(str(v)) for k, v in Report.Status.choices},
    }
    select, no_subject = _("Select report %(n)s"), _("(no subject)")
    # What repeats from row to row is worked out once per page: the identity labels, the
    # category names (each asks for the language), the theme links.
    identities = _Memo(
        lambda key: escape(f"{labels['mode', key[0]]} · {labels['channel', key[1]]}")
    )
    categories = _Memo(lambda key: escape(Category.name_for(key[0] or "—", key[1] or "")))
    themes: dict[int, str] = {}  # the same theme reads the same in every row of the query
    age = _Ages(timezone.now(), _("waiting for a first answer"))
    out = []
    for row in reports:
        pk, theme = row["pk"], row["analysis__theme_id"]
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
                theme=_theme(row, themes, theme_url) if theme else "—",
                status=labels["status", row["status"]],
                assignee=escape(row["assignment__triager__username"] or "—"),
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


def _theme(row: dict[str, Any], done: dict[int, str], url: str) -> str:
    pk = row["analysis__theme_id"]
    if pk not in done:
        label = Theme.label_for(
            pk,
            row["analysis__theme__title"] or "",
            row["analysis__theme__keywords"],
            row["analysis__theme__titles"],
            row["analysis__theme__title_source"] or "",
        )
        done[pk] = _link(url % pk, _truncate(label, 40))
    return done[pk]


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
    name = names[row["analysis__category__name_en"], row["analysis__category__name_de"]]
    confidence = row["analysis__category_confidence"]
    unconfirmed = (
        row["analysis__category__name_en"] and not row["analysis__category_confirmed_by_id"]
    )
    if unconfirmed and confidence is not None:
        return f'{name} <span class="meta">{round(confidence * 100)}%</span>'
    return name


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
