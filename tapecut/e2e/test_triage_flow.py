"""A triager works the inbox in Chromium; the owner finishes the change; the figures move.

The triager logs in through the real login page with a password and a one-time code (two-factor
login required, as in production); the owner, who needs no second factor, gets a session.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from tapecut.accounts.twofactor import current_code
from tapecut.analysis.models import DuplicateLink, ReportAnalysis
from tapecut.triage.factories import make_category, make_report, make_theme
from tapecut.triage.models import Change
from tapecut.triage.personas import PASSWORD, make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TRAVEL = "Every travel expense form needs three signatures; collecting them takes two weeks."


def make_world() -> dict[str, Any]:
    triager = make_user("tom", "triager", password=PASSWORD)
    device = TOTPDevice.objects.create(user=triager, name="phone", confirmed=True)
    suggested, right = make_category("forms", "Forms"), make_category("travel", "Travel")
    first = make_report("Travel form needs three signatures", TRAVEL)
    again = make_report("Three signatures for travel, again", TRAVEL + " Again this month.")
    for report in (first, again):
        ReportAnalysis.objects.update_or_create(
            report=report,
            defaults={"category": suggested, "category_confidence": 0.55, "state": "done"},
        )
    theme = make_theme("Travel expense signatures", [first, again])
    link = DuplicateLink.objects.create(
        report=again, original=first, kind="semantic", score=0.91, state="suggested"
    )
    # The dashboard shows nothing about fewer than five reports (tapecut.insights.privacy).
    for subject in ("Canteen closes at 13:00", "Parking permit renewal", "Badge photo rules"):
        make_report(subject, f"{subject}: one more form every month.")
    owner = make_user("olga", "owner")
    return {"triager": triager, "device": device, "owner": owner, "again": again, "theme": theme,
            "link": link, "right": right}  # fmt: skip


def log_in_with_two_factors(page: Any, world: dict[str, Any]) -> None:
    page.goto("/accounts/login/?next=/inbox/")
    page.fill("#id_username", "tom")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.fill("#totp-token", current_code(world["device"]))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/inbox/")


def review_report(page: Any, world: dict[str, Any], screenshot: Any) -> None:
    """Accept the suggested duplicate and correct the category, each one htmx swap."""
    again = world["again"]
    page.click(f"a[href='/reports/{again.pk}/']")
    page.wait_for_url(f"**/reports/{again.pk}/")
    page.click("#suggestions button[value=merge]")
    page.locator("#suggestions button[value=unmerge]").wait_for()
    page.select_option("#cat-select", str(world["right"].pk))
    page.locator("#cat-select").locator("xpath=..").locator("button").click()
    page.locator("#suggestions .badge.ok").first.wait_for()
    with translation.override("en"):  # the page is English whatever the last test activated
        expected = str(world["right"])
    assert page.locator("#suggestions dd strong").first.inner_text() == expected
    screenshot(page, "report")
    world["link"].refresh_from_db()
    assert world["link"].state == "merged"
    analysis = ReportAnalysis.objects.get(report=again)
    assert analysis.category == world["right"] and analysis.category_confirmed_by is not None


def change_from_theme(page: Any, world: dict[str, Any], screenshot: Any) -> Change:
    page.goto(f"/themes/{world['theme'].pk}/")
    screenshot(page, "theme")
    page.click("a.button[href*='/changes/new/']")
    page.fill("#id_decision", "From January, one manager signs travel expenses.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/changes/*/")
    change = Change.objects.get()
    assert list(change.themes.all()) == [world["theme"]]
    # Assign the owner, then approve.
    page.select_option("#id_owner", label="olga")
    page.click("form[action$='/owner/'] button[type=submit]")
    page.select_option("#new-status", "approved")
    page.click("form[action$='/status/'] button[type=submit]")
    page.locator("ol.timeline li", has_text="Approved").wait_for()
    change.refresh_from_db()
    assert (change.owner, change.status) == (world["owner"], "approved")
    return change


def owner_finishes(browsing: Any, world: dict[str, Any], change: Change, screenshot: Any) -> None:
    page = browsing.page(world["owner"])
    page.goto(f"/changes/{change.pk}/")
    # The status form answers without a reload (htmx): wait for the timeline, not for a page.
    for status, label in (("in_progress", "In progress"), ("done", "Done")):
        page.select_option("#new-status", status)
        page.click("form[action$='/status/'] button[type=submit]")
        page.locator("ol.timeline li", has_text=label).wait_for()
    assert page.url.endswith(f"/changes/{change.pk}/")
    screenshot(page, "change")
    change.refresh_from_db()
    assert change.status == "done"
    page.goto("/board/")
    assert page.locator("article.board-entry h3").inner_text() == change.title
    screenshot(page, "board")


def funnel(page: Any) -> dict[str, str]:
    page.goto("/insights/")
    names = ("changes_proposed", "changes_done")
    return {n: page.locator(f"dd[data-metric='funnel.{n}']").inner_text() for n in names}


def test_a_triager_works_the_inbox_and_the_owner_finishes(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    e2e_settings.TAPECUT_REQUIRE_2FA = True
    e2e_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    page = browsing.page()
    log_in_with_two_factors(page, world)
    screenshot(page, "inbox")
    review_report(page, world, screenshot)
    before = funnel(page)
    change = change_from_theme(page, world, screenshot)
    owner_finishes(browsing, world, change, screenshot)
    after = funnel(page)
    screenshot(page, "dashboard")
    assert before == {"changes_proposed": "0", "changes_done": "0"}
    assert after == {"changes_proposed": "1", "changes_done": "1"}
    browsing.watch.assert_clean()
