"""WCAG 2.1 AA in the browser: axe-core (bundled by axe-playwright-python, nothing fetched) on
every page, in English and German, logged in and out: no serious or critical violation. Then
what axe cannot see: the keyboard gets everywhere, the skip link works, nothing is cut off at
1,280 px."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tapecut.analysis.models import Category, ReportAnalysis
from tapecut.triage import actions, links
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = {"en": "en-GB", "de": "de-DE"}
SERIOUS = {"serious", "critical"}
PUBLIC = [
    "/",
    "/report/",
    "/receipt/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/no/such/page/",
]
TEAM = [
    "/",
    "/inbox/",
    "/inbox/?queue=unsure",
    "/inbox/?assigned=me",
    "/inbox/?sort=-received",
    "/themes/",
    "/changes/",
    "/changes/new/",
    "/board/",
    "/audit/",
    "/insights/",
    "/insights/how-we-count/",
    "/accounts/2fa/setup/",
    "/accounts/password_change/",
    "/privacy/",
    "/quarantine/",
]
AXE = Axe()


def serious_violations(page: Any) -> list[str]:
    """One line per serious or critical violation: the rule, its help text, the first nodes."""
    found = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
        if v["impact"] in SERIOUS
    ]


def world() -> dict[str, Any]:
    """A report with every suggestion, a theme, a change, a follow link: each page full."""
    report = make_report("Travel forms", "Each travel form takes 2 hours, twice a month.")
    other = make_report("Travel forms again", "The same three signatures.", mode="anonymous")
    theme = make_theme("Travel signatures", [report, other])
    category = Category.objects.filter(active=True).exclude(name_de="").first()
    ReportAnalysis.objects.filter(report=report).update(
        category=category,
        category_confidence=0.6,
        hours_per_year=48.0,
        impact={
            "evidence": [
                {"kind": "duration", "value": 2.0, "start": 23, "end": 30, "text": "2 hours"}
            ]
        },
    )
    admin = make_user("ada", "admin", "triager", "leader", "custodian", staff=True)
    change = actions.do_create_change(title="One signature", actor=admin, reports=[report])
    return {
        "admin": admin,
        "pages": [
            *TEAM,
            f"/reports/{report.pk}/",
            f"/reports/{report.pk}/original/",
            f"/reports/{other.pk}/",
            f"/themes/{theme.pk}/",
            f"/changes/{change.pk}/",
        ],
        "public": [*PUBLIC, f"/follow/{links.follow_token(report.pk)}/"],
    }


def test_every_page_has_no_serious_accessibility_violation(
    browsing: Any, e2e_settings: Any
) -> None:
    pages = world()
    problems: dict[str, list[str]] = {}
    checked = 0
    for language, locale in LANGUAGES.items():
        for user, paths in ((None, pages["public"]), (pages["admin"], pages["pages"] + PUBLIC[1:])):
            page = browsing.page(user, language=locale)
            for path in paths:
                page.goto(path)
                page.wait_for_load_state("load")
                assert page.evaluate("document.documentElement.lang") == language, path
                checked += 1
                found = serious_violations(page)
                if found:
                    who = "logged in" if user else "logged out"
                    problems[f"{path} ({language}, {who})"] = found
    assert checked >= 50
    assert problems == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
    browsing.watch.assert_clean()


def test_the_german_inbox_fits_a_1280_pixel_window(browsing: Any) -> None:
    world()
    admin = make_user("bea", "triager")
    page = browsing.page(admin, language="de-DE")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/inbox/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.get_by_role("heading", name="Eingang").is_visible()
    browsing.watch.assert_clean()


def test_the_keyboard_reaches_the_content_first_and_sees_where_it_is(browsing: Any) -> None:
    world()
    page = browsing.page(make_user("bea", "triager"))
    page.goto("/inbox/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip"
    # Focus is visible: the skip link comes on screen and the outline is drawn.
    assert skip.bounding_box()["x"] >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside, "after the skip link, Tab goes on inside the main content"
    browsing.watch.assert_clean()


def test_the_inbox_works_from_the_keyboard(browsing: Any) -> None:
    world()
    triager = make_user("bea", "triager")
    page = browsing.page(triager)
    page.goto("/inbox/")
    rows = page.locator("table.inbox-table tbody tr")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = rows.nth(0)
    assert "selected" in (first.get_attribute("class") or "")
    assert page.evaluate("document.activeElement.closest('tr') !== null")
    page.keyboard.press("m")
    page.locator("#messages li").filter(has_text="assigned to bea").wait_for()
    assert first.locator("td").nth(7).inner_text() == "bea"
    page.keyboard.press("a")
    page.locator("#messages li").filter(has_text="Saved.").wait_for()
    page.keyboard.press("x")
    assert first.locator("input[type=checkbox]").is_checked()
    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    assert dialog.is_visible()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    pk = first.get_attribute("data-pk")
    from tapecut.triage.models import Assignment

    assert Assignment.objects.get(report_id=pk).triager == triager
    browsing.watch.assert_clean()
