"""Reports, themes and changes of a selection as CSV or XLSX, with the dashboard's filters.

What leaves the building is what the dashboard shows, row by row: no report text, no subject,
no reporter. Units and categories with fewer than five reports in the export read "other
(fewer than 5)", themes that small are folded into one row, and a selection of fewer than five
reports exports only the header. Cells that a spreadsheet would run as a formula (theme titles
come from reporters' words) are written as plain text.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from tapecut.analysis.models import DuplicateLink, Theme
from tapecut.insights import costs, metrics
from tapecut.insights.privacy import Group, fold
from tapecut.insights.selection import Selection
from tapecut.triage import linked

KINDS = {"reports": _("Reports"), "themes": _("Themes"), "changes": _("Changes")}
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Row = list[Any]

REPORT_HEADER = ["id", "received", "channel", "status", "category", "unit", "theme_id"]
REPORT_HEADER += ["merged_into", "hours_per_year", "change_ids"]
THEME_HEADER = ["theme_id", "title", "reports", "hours_per_year", "cost_per_year"]
CHANGE_HEADER = ["id", "title", "status", "owner", "due_date", "overdue", "created"]
CHANGE_HEADER += ["approved", "started", "done", "declined", "theme_ids", "reports"]


def cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def folded(values: list[str]) -> dict[str, str]:
    """Each value as exported: itself, or "other" where the dashboard would fold it."""
    other = str(metrics.other_label())
    counts = Counter(values)
    groups = [Group(value, value, n) for value, n in counts.items()]
    shown = {g.key for g in fold(groups, other) if not g.is_other}
    return {value: value if value in shown else other for value in counts}


def report_rows(sel: Selection) -> Iterator[Row]:
    fields = ["id", "received_at", "channel", "status", "analysis__category__slug"]
    fields += ["reporter__unit", "analysis__theme_id", "analysis__hours_per_year"]
    rows = list(sel.reports.order_by("received_at", "id").values_list(*fields))
    category = folded([r[4] or "" for r in rows])
    unit = folded([r[5] or "" for r in rows])
    merged = dict(
        DuplicateLink.objects.filter(sel.q(), state=DuplicateLink.State.MERGED).values_list(
            "report_id", "original_id"
        )
    )
    changes: dict[int, list[int]] = {}
    through = linked.links(sel.q())
    for report_id, change_id in through.values_list("report_id", "change_id").order_by("id"):
        changes.setdefault(report_id, []).append(change_id)
    for pk, received, channel, status, cat, un, theme, hours in rows:
        yield [
            pk,
            received,
            channel,
            status,
            category[cat or ""],
            unit[un or ""],
            theme,
            merged.get(pk),
            hours,
            ";".join(map(str, sorted(changes.get(pk, [])))),
        ]


def theme_rows(sel: Selection) -> Iterator[Row]:
    """Each theme with its hours and its cost a year (the Standard Cost Model, tapecut.insights.
    costs); the folded "other" row's cost is its hours at the default wage."""
    groups = metrics.hours_by_theme(sel)
    themes = Theme.objects.in_bulk([int(g.key) for g in groups if not g.is_other])
    wage = costs.wage_for([]).value
    for group in groups:
        if group.is_other:
            money = costs.money(Decimal(str(group.value)) * wage)
        else:
            money = costs.theme_cost(themes[int(group.key)], metrics.analyses(sel)).per_year
        key = "" if group.is_other else int(group.key)
        yield [key, group.label, group.reports, group.value, float(money)]


def change_rows(sel: Selection) -> Iterator[Row]:
    today = timezone.localdate()
    changes = linked.with_report_count(metrics.linked_changes(sel))
    changes = changes.select_related("owner").prefetch_related("themes")
    for c in changes.order_by("created_at", "id"):
        overdue = bool(not c.is_closed and c.due_date and c.due_date < today)
        yield [
            c.pk,
            c.title,
            c.status,
            c.owner.get_username() if c.owner else "",
            c.due_date,
            overdue,
            c.created_at,
            c.approved_at,
            c.started_at,
            c.done_at,
            c.declined_at,
            ";".join(str(t.pk) for t in sorted(c.themes.all(), key=lambda t: t.pk)),
            c.report_count,  # type: ignore[attr-defined]  # linked.with_report_count
        ]


def table(kind: str, sel: Selection) -> tuple[Row, Iterable[Row]]:
    header, rows = {
        "reports": (REPORT_HEADER, report_rows),
        "themes": (THEME_HEADER, theme_rows),
        "changes": (CHANGE_HEADER, change_rows),
    }[kind]
    return header, ([] if sel.suppressed else rows(sel))


def plain(value: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe."""
    value = cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([plain(v) for v in row] for row in rows)
    return out.getvalue()


def xlsx_bytes(kind: str, header: Row, rows: Iterable[Row]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append(header)
    for row in rows:
        sheet.append([plain(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(kind: str, fmt: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"tapecut-{kind}-{stamp}.{fmt}"


def response(kind: str, fmt: str, sel: Selection) -> HttpResponse:
    header, rows = table(kind, sel)
    if fmt == "csv":
        result = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    else:
        result = HttpResponse(xlsx_bytes(kind, header, rows), content_type=XLSX)
    result["Content-Disposition"] = f'attachment; filename="{filename(kind, fmt)}"'
    return result
