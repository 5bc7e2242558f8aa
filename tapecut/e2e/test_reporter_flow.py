"""An employee reports anonymously in the web form and follows the report with the receipt.

The reporter keeps only the receipt code; the team asks a question on the report page; the
reporter answers it on the receipt page; a change is done and the reporter reads what came of
it, still without anyone learning who they are.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tapecut.core import jobs
from tapecut.intake.models import FollowUp, Report
from tapecut.triage import actions, notices
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "Travel expense form printed three times"
TEXT = "The travel expense form must be printed, signed by hand and scanned again: 20 min each."
QUESTION = "Which department asks for the paper copy?"
ANSWER = "Accounting in building B."
DECISION = "Travel expenses are signed in the portal from now on."


def submit_report(page: Any, screenshot: Any) -> str:
    page.goto("/report/")
    screenshot(page, "report-form")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_text", TEXT)
    assert page.is_checked("input[name=mode][value=anonymous]")
    page.click("main form button[type=submit]")
    code = page.locator("#receipt").inner_text()
    assert re.fullmatch(r"[0-9]{4}(-[0-9]{4}){3}", code), code
    screenshot(page, "receipt")
    return code


def open_receipt_page(page: Any, code: str) -> None:
    page.goto("/receipt/")
    page.fill("#code", code)
    page.click("main form button[type=submit]")
    page.locator("#status").wait_for()


def ask_question(browsing: Any, report: Report) -> None:
    page = browsing.page(make_user("tom", "triager"))
    page.goto(f"/reports/{report.pk}/")
    page.fill("#question-text", QUESTION)
    page.click("form[action$='/question/'] button[type=submit]")
    page.locator("article.followup", has_text=QUESTION).wait_for()


def finish_a_change(report: Report) -> None:
    owner = make_user("olga", "owner")
    change = actions.do_create_change(
        title="Expenses signed in the portal", decision=DECISION, actor=owner, reports=[report]
    )
    for status in ("approved", "in_progress", "done"):
        actions.do_change_status(change, status, actor=owner)
    # What the worker does: plan the notices, then deliver them (the anonymous reporter's one
    # is put on the receipt page).
    for _round in range(5):
        if not jobs.run_pending(kinds=[notices.PLAN_JOB, notices.SEND_JOB]):
            break


def test_an_anonymous_reporter_follows_the_report_to_the_change(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    reporter = browsing.page()
    code = submit_report(reporter, screenshot)
    report = Report.objects.get()
    assert (report.mode, report.channel, report.subject) == ("anonymous", "form", SUBJECT)
    ask_question(browsing, report)
    # Later, from another browser: the code is all the reporter has.
    later = browsing.page()
    open_receipt_page(later, code)
    assert later.locator("article.followup.team").inner_text().endswith(QUESTION)
    later.fill("#answer", ANSWER)
    later.click("main form button[type=submit]")
    later.locator("main [role=status]").wait_for()
    assert FollowUp.objects.filter(report=report, author="reporter", text__contains=ANSWER).exists()
    finish_a_change(report)
    last = browsing.page()
    open_receipt_page(last, code)
    assert DECISION in last.locator("main").inner_text()
    screenshot(last, "receipt-status")
    # The receipt code appears in no address the browsers visited.
    assert code not in later.url and code not in last.url
    browsing.watch.assert_clean()
