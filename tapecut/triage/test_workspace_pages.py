"""What a new user saw in the workspace and should not: Python literals, English category names
on German pages, a change created by GET, statuses in alphabetical order, two due dates, a
silent move, "1 reports", two words for an anonymous reporter, an original email for a web-form
report, a follow page that never says "Done"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tapecut.analysis.models import Category, ReportAnalysis
from tapecut.analysis.stages.impact import PhraseImpactEstimator
from tapecut.core import audit
from tapecut.intake.models import Mode
from tapecut.triage import actions, linked, links
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db

LITERAL = re.compile(r"\{'\w+': |\{&#x27;\w+&#x27;: |\[\{'|\[\{&#x27;|datetime\.datetime\(")


def german(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    return client


def a_category_with_german_name() -> Category:
    category = Category.objects.exclude(name_de="").filter(active=True).first()
    assert category is not None, "the migrations ship German category names"
    return category


def analysed_report(text: str = "Each travel form takes 2 hours, twice a month, for 3 of us."):
    report = make_report("Travel forms", text)
    found = PhraseImpactEstimator().estimate(text)
    category = a_category_with_german_name()
    ReportAnalysis.objects.create(
        report=report,
        state="done",
        category=category,
        category_confidence=0.7,
        impact=found.as_json(),
        hours_per_year=found.hours_per_year,
    )
    return report, category


def test_time_lost_reads_as_hours_per_year_with_the_words_it_came_from(client_as: Any) -> None:
    report, _category = analysed_report()
    for client in (client_as("triager"), german(client_as("triager"))):
        page = client.get(f"/reports/{report.pk}/").content.decode()
        assert not LITERAL.search(page), LITERAL.search(page)
        assert "<q>2 hours</q>" in page and "<q>twice a month</q>" in page
    assert re.search(r"\d+(\.\d)? h/year", client_as("triager").get(f"/reports/{report.pk}/").text)
    assert re.search(
        r"\d+(,\d)? h/Jahr", german(client_as("triager")).get(f"/reports/{report.pk}/").text
    )


def test_the_audit_log_is_readable_and_paginated(client_as: Any, personas: Any) -> None:
    report, _category = analysed_report()
    for n in range(60):
        audit.record("report.bulk_status", report, actor=personas.admin, old="new", new=f"open{n}")
    page = client_as("admin").get("/audit/").content.decode()
    assert not LITERAL.search(page), LITERAL.search(page)
    assert "old: new · new: open59" in page
    assert page.count("report.bulk_status") <= 50 + 1  # 50 rows (+ the filter's placeholder)
    assert 'rel="next"' in page
    second = client_as("admin").get("/audit/?page=2").content.decode()
    assert "old: new · new: open0" in second


def test_german_pages_name_categories_in_german(client_as: Any) -> None:
    report, category = analysed_report()
    client = german(client_as("triager"))
    inbox = client.get("/inbox/").content.decode()
    # The filters, the bulk bar and the row all say the German name.
    assert len(re.findall(rf">{re.escape(category.name_de)}[< ]", inbox)) >= 3, category.name_de
    assert f">{category.name_en}<" not in inbox
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert category.name_de in page and f">{category.name_en}<" not in page
    assert f">{category.name_en}<" in client_as("triager").get("/inbox/").content.decode()


def test_create_a_change_from_the_inbox_posts_the_selection(client_as: Any) -> None:
    first, second = make_report("One"), make_report("Two")
    client = client_as("triager")
    inbox = client.get("/inbox/").content.decode()
    button = re.search(r'<button[^>]*formaction="/changes/new/"[^>]*>', inbox)
    assert button and "formmethod" not in button[0] and 'name="start"' in button[0]
    page = client.post(
        "/changes/new/", {"start": "1", "reports": [first.pk, second.pk], "query": ""}
    ).content.decode()
    assert "errorlist" not in page
    assert f'name="report" value="{first.pk}"' in page and f'value="{second.pk}"' in page
    created = client.post(
        "/changes/new/", {"report": [first.pk, second.pk], "title": "Fewer signatures"}
    )
    change = Change.objects.get(title="Fewer signatures")
    assert created.status_code == 302 and set(linked.change_reports(change)) == {first, second}


def test_status_options_follow_the_workflow_and_there_is_one_due_date(
    client_as: Any, personas: Any
) -> None:
    change = actions.do_create_change(title="Fewer forms", actor=personas.admin)
    actions.do_change_status(change, "approved", actor=personas.admin)
    page = client_as("admin").get(f"/changes/{change.pk}/").content.decode()
    select = page.split('id="new-status"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'value="(\w+)"', select) == ["proposed", "in_progress", "done", "declined"]
    assert page.count('type="date"') == 1


def test_a_move_says_where_the_report_went(client_as: Any) -> None:
    report, _category = analysed_report()
    theme = make_theme("Travel forms", [])
    client = client_as("triager")
    response = client.post(
        f"/reports/{report.pk}/suggestion/",
        {"action": "theme", "theme": theme.pk},
        follow=True,
        headers={"hx-request": "true"},
    )
    page = response.content.decode()
    messages = page.split('<div id="messages"', 1)[1].split("</div>", 1)[0]
    assert "Moved to the theme “Travel forms”." in messages
    # The suggestions ask htmx to bring the messages along with the part they swap.
    assert 'hx-select-oob="#messages"' in page


def test_the_theme_chart_says_report_for_one(client_as: Any) -> None:
    theme = make_theme("Lonely", [make_report("Only one")])
    page = client_as("triager").get(f"/themes/{theme.pk}/").content.decode()
    assert "at most 1 report in a week" in page
    assert "1 reports" not in page


def test_an_anonymous_reporter_has_one_label_whatever_the_channel(client_as: Any) -> None:
    by_mail = make_report("By mail", mode=Mode.ANONYMOUS)
    by_form = make_report("By form", mode=Mode.ANONYMOUS)
    type(by_form).objects.filter(pk=by_form.pk).update(channel="form", reporter=None, inbound=None)
    client = client_as("triager")
    inbox = client.get("/inbox/").content.decode()
    assert inbox.count("Anonymous reporter") == 2
    for report in (by_mail, by_form):
        assert "Anonymous reporter" in client.get(f"/reports/{report.pk}/").content.decode()
    assert "Anonyme meldende Person" in german(client).get("/inbox/").content.decode()


def test_a_web_form_report_offers_no_original_email(client_as: Any) -> None:
    by_mail, by_form = make_report("By mail"), make_report("By form")
    type(by_form).objects.filter(pk=by_form.pk).update(channel="form")
    client = client_as("triager")
    assert "Show the original email" in client.get(f"/reports/{by_mail.pk}/").content.decode()
    assert "Show the original email" not in client.get(f"/reports/{by_form.pk}/").content.decode()


def test_the_follow_page_says_done_when_the_change_is_done(personas: Any) -> None:
    report = make_report("Three signatures")
    url = f"/follow/{links.follow_token(report.pk)}/"
    assert "<strong>Received</strong>" in Client().get(url).content.decode()
    change = actions.do_create_change(title="One signature", actor=personas.admin, reports=[report])
    for status in ("approved", "in_progress"):
        actions.do_change_status(change, status, actor=personas.admin)
    assert "<strong>In progress</strong>" in Client().get(url).content.decode()
    actions.do_change_status(change, "done", actor=personas.admin)
    page = Client().get(url).content.decode()
    assert "<strong>Done</strong>" in page and "Merged" not in page


def test_the_dashboard_links_how_each_number_is_counted(client_as: Any) -> None:
    client = client_as("leader")
    page = client.get("/insights/").content.decode()
    assert '<a href="/insights/how-we-count/">How each number is counted</a>' in page
    assert "docs/insights.md" not in page
    guide = client.get("/insights/how-we-count/").content.decode()
    assert "<h1>Insights: the funnel and the impact, for leadership</h1>" in guide
    assert "<table>" in guide and "<img" not in guide


def test_ai_cost_purposes_are_named_in_the_page_language() -> None:
    from django.utils import translation

    from tapecut.insights.templatetags.insights import purpose

    assert purpose("classification") == "Suggesting categories"
    with translation.override("de"):
        assert purpose("classification") == "Kategorien vorschlagen"
        assert purpose("something-new") == "something-new"
