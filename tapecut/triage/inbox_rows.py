"""The inbox's table rows, rendered in Python.

The inbox is the page the team opens most. With fifty rows of template tags (URL reversing,
translations, display lookups, a dozen variable lookups each) the rows alone cost more than
the rest of the page; here each row is one escaped format string, with the URLs and labels
worked out once per page. The markup is the same the template used to write.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tapecut.intake.models import Channel, Mode, Report

# What a row shows: loading no more keeps texts, vectors and centroids out of the page.
ROW_FIELDS = (
    "subject",
    "language",
    "mode",
    "channel",
    "status",
    "received_at",
    "reporter__mode",
    "reporter__display_name",
    "reporter__address",
    "reporter__alias",
    "analysis__category__name_en",
    "analysis__theme__title",
    "analysis__theme__keywords",
)

ROW = (
    '<tr><td><input type="checkbox" name="reports" value="{pk}" id="sel-{pk}"'
    ' aria-label="{select}"></td><td>{pk}</td><td><a href="{href}">{subject}</a>{language}</td>'
    '<td>{reporter} <span class="meta">{identity}</span></td><td>{category}</td>'
    "<td>{theme}</td><td>{status}</td><td>{received}</td></tr>"
)


def rows_html(reports: Iterable[Report]) -> SafeString:
    """The ``<tr>`` elements of one page (escaped here: every value passes ``escape``)."""

    report_url = _url_with_pk("triage:report")
    theme_url = _url_with_pk("triage:theme")
    labels = {
        **{("mode", k): str(v) for k, v in Mode.choices},
        **{("channel", k): str(v) for k, v in Channel.choices},
        **{("status", k): str(v) for k, v in Report.Status.choices},
    }
    select, no_subject = _("Select report %(n)s"), _("(no subject)")
    out = []
    for report in reports:
        analysis = getattr(report, "analysis", None)
        theme = analysis.theme if analysis else None
        category = analysis.category if analysis else None
        language = report.language
        out.append(
            ROW.format(
                pk=report.pk,
                select=escape(select % {"n": report.pk}),
                href=escape(report_url % report.pk),
                subject=escape(_truncate(report.subject or no_subject, 90)),
                language=f' <span class="tag">{escape(language)}</span>' if language else "",
                reporter=escape(report.reporter.public_name if report.reporter else "—"),
                identity=escape(
                    f"{labels['mode', report.mode]} · {labels['channel', report.channel]}"
                ),
                category=escape(str(category)) if category else "—",
                theme=(
                    f'<a href="{escape(theme_url % theme.pk)}">'
                    f"{escape(_truncate(str(theme), 40))}</a>"
                    if theme
                    else "—"
                ),
                status=escape(labels["status", report.status]),
                received=timezone.localtime(report.received_at).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


def _url_with_pk(name: str) -> str:
    """The URL of a per-object page as a %-format with the id left open."""
    marker = 987654321
    return reverse(name, args=[marker]).replace("%", "%%").replace(str(marker), "%d")


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else Truncator(text).chars(limit)
