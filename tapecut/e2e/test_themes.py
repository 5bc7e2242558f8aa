"""Themes after the demo, in Chromium: the list, a theme page, curation that stays.

With ``TAPECUT_SCREENSHOTS=docs/screenshots`` (and, for the figures in the docs, the local e5
encoder: ``TAPECUT_AI_EMBEDDER=tapecut.ai.backends.local.LocalEmbedder``) this writes
themes.png and theme-page.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.analysis.actions import do_recluster
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.testing import forget_caches
from tapecut.demo.actions import analyse_demo, do_import_demo
from tapecut.triage.personas import make_user

TITLE = "Three quotes even for small purchases"
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_theme_renamed_and_a_report_moved_in_the_browser_survive_reclustering(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    forget_caches()
    do_import_demo()  # reports commit one by one: their analysis is queued as in production
    analyse_demo()
    page = browsing.page(make_user("ada", "admin", "triager", staff=True))
    page.goto("/themes/")
    rows = page.locator("main table.list tbody tr")
    assert rows.count() >= 3
    screenshot(page, "themes")

    quotes = ReportAnalysis.objects.get(report__subject__startswith="Drei Vergleichsangebote")
    theme = Theme.objects.get(pk=quotes.theme_id or 0)
    other = Theme.objects.exclude(pk=theme.pk).filter(report_count__gt=1).order_by("-id")[0]
    moved = ReportAnalysis.objects.filter(theme=other).order_by("id")[0].report_id
    page.goto(f"/themes/{theme.pk}/")
    page.fill("form:has(button[value=rename]) input[name=title]", TITLE)
    page.click("button[value=rename]")
    page.wait_for_url(f"**/themes/{theme.pk}/")
    page.fill("form:has(button[value=move]) input[name=reports]", str(moved))
    page.click("button[value=move]")
    page.wait_for_url(f"**/themes/{theme.pk}/")
    assert page.locator("h1").inner_text() == TITLE
    screenshot(page, "theme-page")

    do_recluster()
    page.goto(f"/themes/{theme.pk}/")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(f"main table.list a[href='/reports/{moved}/']").count() == 1
    browsing.watch.assert_clean()
