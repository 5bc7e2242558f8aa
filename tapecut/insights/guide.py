"""/insights/how-we-count/: docs/insights.md, the definitions behind every figure, as a page.

The dashboard links here instead of naming a file. A reader gets the guide in the page's
language where the docs have it (docs/insights.de.md for de, de-at, …), else the English one.
The guide is read from the source tree (``make run``, a checkout, the development image); an
installation without it says where the guide lives rather than answering 404.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markdown_it import MarkdownIt

from tapecut.accounts.permissions import require
from tapecut.analysis.langspace import language_key

GUIDE = Path(settings.BASE_DIR).parent / "docs" / "insights.md"


def guide_for(language: str | None) -> Path:
    """docs/insights.<lang>.md for ``language`` ("de", "de-at") where it exists, else GUIDE."""
    primary = language_key(language)
    if primary.isalpha() and primary != "en":
        translated = GUIDE.with_name(f"{GUIDE.stem}.{primary}{GUIDE.suffix}")
        if translated.is_file():
            return translated
    return GUIDE


@cache
def _html(text: str) -> SafeString:
    # CommonMark with tables; raw HTML in the file stays text, images (screenshots) are left
    # out: the page is the dashboard's explanation, not a copy of the docs folder. They are
    # parsed and rendered as nothing (a disabled rule would leave "!" and a link to a file the
    # site does not serve), and a paragraph that held only an image goes with it.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("image", lambda *_args: "")
    html = md.render(text).replace("<p></p>\n", "")
    return mark_safe(html)  # noqa: S308 - html off: markdown-it escapes the source


@require("insights")
def how_we_count(request: HttpRequest) -> HttpResponse:
    path = guide_for(get_language())
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return render(request, "insights/guide.html", {"guide": _html(text) if text else ""})
