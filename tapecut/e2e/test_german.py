"""The German interface end to end: a German browser reports, a triager switches language."""

from __future__ import annotations

from typing import Any

import pytest

from tapecut.intake.models import Report
from tapecut.triage.factories import make_report
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_german_browser_reports_in_german(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    page = browsing.page(language="de-DE")
    page.goto("/report/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Bürokratie melden"
    screenshot(page, "report-form-de")
    page.fill("#id_subject", "Reisekostenabrechnung")
    page.fill("#id_text", "Jede Reisekostenabrechnung braucht drei Unterschriften.")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Vielen Dank"
    assert page.locator("#receipt").inner_text()
    page.click("a[href='/receipt/']")
    assert page.locator("h1").inner_text() == "Ihre Meldung verfolgen"
    assert Report.objects.get().subject == "Reisekostenabrechnung"
    browsing.watch.assert_clean()


def test_the_language_switch_turns_the_workspace_german_and_back(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    report = make_report("Reisekosten", "Drei Unterschriften für jede Reise.", language="de")
    page = browsing.page(make_user("tom", "triager"))
    page.goto("/inbox/")
    assert page.locator("h1").inner_text() == "Inbox"
    page.select_option("#language-select", "de")
    page.click("form.lang button[type=submit]")
    page.wait_for_url("**/inbox/")
    assert page.locator("h1").inner_text() == "Eingang"
    screenshot(page, "inbox-de")
    page.click(f"a[href='/reports/{report.pk}/']")
    assert page.locator("#h-suggestions").inner_text() == "Vorschläge"
    assert page.locator("html").get_attribute("lang") == "de"
    page.select_option("#language-select", "en")
    page.click("form.lang button[type=submit]")
    page.wait_for_url(f"**/reports/{report.pk}/")
    assert page.locator("#h-suggestions").inner_text() == "Suggestions"
    browsing.watch.assert_clean()
