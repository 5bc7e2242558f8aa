"""The loop in Chromium: a visitor reads the front door and the roadmap in German and English, an
employee says "me too" and follows, and an owner without an account moves a change by link."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core import mail

from tapecut.core import jobs
from tapecut.triage import actions, owner_links, texts
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, Follow, MeToo
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_changes() -> dict[str, Change]:
    triager = make_user("tom", "triager")
    reports = [make_report(f"Travel {i}", sender=f"t{i}@corp.example") for i in range(6)]
    travel = actions.do_create_change(
        title="One signature for travel expenses",
        problem="Every travel expense form needs three signatures.",
        decision="From January, one manager signs travel expenses.",
        actor=triager, themes=[make_theme("Travel", reports)],
    )  # fmt: skip
    texts.do_set_text(
        travel, "de", actor=triager, title="Eine Unterschrift für Reisekosten",
        problem="Jede Reisekostenabrechnung braucht drei Unterschriften.",
        decision="Ab Januar unterschreibt eine Führungskraft.",
    )  # fmt: skip
    canteen = actions.do_create_change(
        title="Canteen opens at 11:30", decision="Earlier lunch for the early shift.", actor=triager
    )
    parking = actions.do_create_change(title="Parking permits online", actor=triager)
    moves = {travel: ["approved", "in_progress", "done"], canteen: ["approved"],
             parking: ["approved", "in_progress"]}  # fmt: skip
    for change, steps in moves.items():
        for step in steps:
            actions.do_change_status(change, step, actor=triager)
    jobs.run_pending()  # the news of those steps went out before the test begins
    mail.outbox.clear()
    return {"travel": travel, "canteen": canteen, "parking": parking}


def test_a_visitor_reads_the_front_door_and_the_roadmap_in_two_languages(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    e2e_settings.TAPECUT_BOARD = "public"
    make_changes()
    page = browsing.page(language="en-GB")
    page.goto("/")
    assert page.locator("h1").inner_text() == "Tell us where red tape gets in your way"
    assert page.locator("#front-report").get_attribute("href") == "/report/"
    assert page.locator("#front-receipt").get_attribute("href") == "/receipt/"
    screenshot(page, "front-door")
    page.click("#front-board")
    page.wait_for_url("**/board/")
    assert page.locator("#stage-planned").inner_text().count("Canteen opens at 11:30") == 1
    assert "Parking permits online" in page.locator("#stage-in_progress").inner_text()
    done = page.locator("#stage-done").inner_text()
    assert "One signature for travel expenses" in done and "Answers 6 reports." in done
    screenshot(page, "roadmap")

    german = browsing.page(language="de-DE")
    german.goto("/")
    assert german.locator("h1").inner_text() == "Sagen Sie uns, wo Bürokratie Sie aufhält"
    screenshot(german, "front-door-de")
    german.click("#front-board")
    german.wait_for_url("**/board/")
    done = german.locator("#stage-done").inner_text()
    assert "Eine Unterschrift für Reisekosten" in done
    assert "Ab Januar unterschreibt eine Führungskraft." in done
    assert german.locator("#h-planned").inner_text() == "Geplant"
    assert "Canteen opens at 11:30" in german.locator("#stage-planned").inner_text()  # fallback
    screenshot(german, "roadmap-de")
    browsing.watch.assert_clean()


def test_an_employee_says_me_too_and_follows(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    changes = make_changes()
    canteen = changes["canteen"]
    employee = make_user("emma", "reporter")
    page = browsing.page(employee)
    page.goto("/board/")
    entry = page.locator(f"#change-{canteen.pk}")
    entry.locator("form.me-too button").click()
    page.wait_for_url("**/board/**")
    entry = page.locator(f"#change-{canteen.pk}")
    assert entry.locator("form.me-too button").get_attribute("aria-pressed") == "true"
    entry.locator("form.follow button").click()
    page.wait_for_url("**/board/**")
    follow = page.locator(f"#change-{canteen.pk} form.follow button")
    assert follow.get_attribute("aria-pressed") == "true"
    assert MeToo.objects.filter(change=canteen, user=employee).exists()
    assert Follow.objects.filter(change=canteen, user=employee).exists()
    # The follower hears of the next step.
    actions.do_change_status(canteen, "in_progress", actor=make_user("tina", "triager"))
    jobs.run_pending()
    assert [m.to for m in mail.outbox if "Canteen" in m.subject] == [[employee.email]]
    browsing.watch.assert_clean()


def test_an_owner_without_an_account_updates_a_change_by_link(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    changes = make_changes()
    canteen = changes["canteen"]
    reporter = make_report("Lunch too late", sender="rita@corp.example")
    actions.do_link_change(canteen, actor=None, reports=[reporter])
    owner_links.do_invite_owner(canteen, "head.of.canteen@corp.example", actor=None)
    found = re.search(r"https?://[^/\s]+(/owner/\S+/)", str(mail.outbox[-1].body))
    assert found is not None
    page = browsing.page()
    page.goto(found.group(1))
    assert page.locator("h1").inner_text() == "Canteen opens at 11:30"
    page.select_option("#owner-new-status", "in_progress")
    page.fill("#owner-note", "The kitchen staff agreed; from Monday.")
    page.click("main form button[type=submit]")
    page.locator("ul.messages").wait_for()
    assert page.locator("#owner-status").inner_text() == "In progress"
    canteen.refresh_from_db()
    assert canteen.status == "in_progress"
    mail.outbox.clear()
    jobs.run_pending()
    (news,) = [m for m in mail.outbox if m.to == ["rita@corp.example"]]
    assert "Work has started" in news.subject
    browsing.watch.assert_clean()
    show_mail(page, news)
    screenshot(page, "status-mail")


def show_mail(page: Any, message: Any) -> None:
    """The status mail as a mail program would show it (for the screenshot), in the site's
    style sheet (the content security policy allows no inline style)."""
    fields = [("From", message.from_email), ("To", ", ".join(message.to))]
    fields.append(("Subject", message.subject))
    head = "".join(
        f"<tr><th>{name}</th><td>{html.escape(str(value))}</td></tr>" for name, value in fields
    )
    body = html.escape(str(message.body))
    page.set_content(
        "<!doctype html><html lang='en'><head>"
        "<link rel='stylesheet' href='/static/tapecut/tapecut.css'></head>"
        f"<body><main><table class='list compact'>{head}</table>"
        f"<pre class='body'>{body}</pre></main></body></html>"
    )
