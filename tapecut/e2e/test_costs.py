"""The cost of red tape in the browser, on the demo: the dashboard's money and a theme's factors."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.analysis.models import Theme
from tapecut.analysis.testing import forget_caches
from tapecut.demo.actions import analyse_demo, do_import_demo
from tapecut.triage import actions
from tapecut.triage.models import FixFeedback, Notice
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def demo_with_a_done_change() -> Theme:
    do_import_demo()
    analyse_demo()
    triager = make_user("tom", "triager")
    themes = list(Theme.objects.order_by("-hours_per_year", "id")[:2])
    done = actions.do_create_change(
        title="Written status updates", actor=triager, themes=themes[:1]
    )
    for step in ("approved", "in_progress", "done"):
        actions.do_change_status(done, step, actor=triager)
    link = done.report_links.first()
    assert link is not None
    report = link.report
    for answer in ("yes", "yes", "no"):
        notice = Notice.objects.create(kind="question", report=report, channel="receipt")
        FixFeedback.objects.create(notice=notice, change=done, answer=answer)
    actions.do_create_change(title="One sign-off", actor=triager, themes=themes[1:])
    return themes[0]


def test_the_dashboard_shows_money_lost_and_saved_and_each_themes_factors(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    e2e_settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    e2e_settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    forget_caches()
    theme = demo_with_a_done_change()
    page = browsing.page(make_user("lea", "leader"))
    page.goto("/insights/")
    money = page.locator("#money")
    money.wait_for()
    assert money.locator("[data-money=lost]").inner_text() not in ("", "0")
    assert money.locator("[data-money=realised]").inner_text() not in ("", "0")
    screenshot(page, "dashboard-cost")
    money.locator(f'a[href="/insights/cost/themes/{theme.pk}/"]').click()
    page.locator("[data-factor=time_per_case]").wait_for()
    assert "Destatis" in page.locator("[data-factor=hourly_cost]").inner_text()
    screenshot(page, "theme-cost")
    browsing.watch.assert_clean()
    forget_caches()
