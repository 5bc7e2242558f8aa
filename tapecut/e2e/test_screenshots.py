"""The workspace at 1,280 px in English and German, on the demo mailbox: inbox, report, theme,
change, insights, board, the web form and its receipt page. Each page must render in its
language without overflowing the window; with ``TAPECUT_SCREENSHOTS=docs/screenshots`` the
pictures go to docs/screenshots/1280/ (with the real local embedder for lifelike themes:
``TAPECUT_AI_EMBEDDER=tapecut.ai.backends.local.LocalEmbedder``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tapecut.analysis.models import Category, Theme
from tapecut.demo.actions import analyse_demo, do_import_demo
from tapecut.e2e.conftest import SCREENSHOTS
from tapecut.intake.models import FollowUp, Report
from tapecut.triage import actions, assignments, review
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH = 1280


def demo_world() -> dict[str, Any]:
    do_import_demo()
    analyse_demo()
    ada = make_user("ada", "admin", "triager", "leader", staff=True)
    make_user("tom", "triager")
    reports = list(Report.objects.order_by("pk"))
    categories = list(Category.objects.filter(active=True).order_by("position"))
    # A morning's work: some categories confirmed, some reports taken, one question asked.
    for report, category in zip(reports[:6], categories, strict=False):
        review.do_set_category(report, category, actor=ada)
    assignments.do_assign(reports[:4], ada, actor=ada)
    actions.do_ask_question(reports[1], "Which form is it, exactly?", actor=ada)
    theme = Theme.objects.order_by("-report_count", "pk").first()
    if theme is None:
        theme = Theme.objects.create(title="Travel expense signatures")
        review.do_set_theme(reports[0], theme, actor=ada)
    change = actions.do_create_change(
        title="One signature for travel expenses",
        problem="Three signatures for every travel expense form.",
        decision="From January, one manager signs.",
        actor=ada,
        owner=ada,
        reports=reports[:3],
    )
    for status in ("approved", "in_progress"):
        actions.do_change_status(change, status, actor=ada)
    report = FollowUp.objects.filter(author="team").select_related("report")[0].report
    return {"ada": ada, "report": report, "theme": theme, "change": change}


def shoot(page: Any, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS) / "1280"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_workspace_at_1280_pixels_in_both_languages(browsing: Any, e2e_settings: Any) -> None:
    world = demo_world()
    pages = {
        "inbox": "/inbox/",
        "report": f"/reports/{world['report'].pk}/",
        "theme": f"/themes/{world['theme'].pk}/",
        "change": f"/changes/{world['change'].pk}/",
        "insights": "/insights/",
        "board": "/board/",
    }
    for language, locale in (("en", "en-GB"), ("de", "de-DE")):
        team = browsing.page(world["ada"], language=locale)
        team.set_viewport_size({"width": WIDTH, "height": 900})
        for name, path in pages.items():
            assert team.goto(path).status == 200, path
            assert team.evaluate("document.documentElement.lang") == language
            shoot(team, f"{name}-{language}")
        visitor = browsing.page(language=locale)
        visitor.set_viewport_size({"width": WIDTH, "height": 900})
        visitor.goto("/report/")
        shoot(visitor, f"form-{language}")
        visitor.fill("#id_subject", "Parking permit renewed on paper every year")
        visitor.fill("#id_text", "Every January I queue for an hour to renew the permit in person.")
        visitor.click("main form button[type=submit]")
        visitor.locator("#receipt").wait_for()
        shoot(visitor, f"receipt-{language}")
    browsing.watch.assert_clean()
