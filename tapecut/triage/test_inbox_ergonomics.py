"""The inbox as a triage team uses it every morning: sortable columns, reports assigned to a
triager ("mine"), how long each has waited for a first answer, the "check these first" queue,
and the keyboard's actions answered with just the status line."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from tapecut.analysis.models import ReportAnalysis
from tapecut.intake.models import FollowUp
from tapecut.triage.factories import make_category, make_report
from tapecut.triage.models import Assignment

pytestmark = pytest.mark.django_db


def subjects(page: str) -> list[str]:
    return re.findall(r'<a href="/reports/\d+/">([^<]+)</a>', page)


def test_columns_sort_both_ways_and_say_so(client_as: Any) -> None:
    for subject in ("Bravo", "Alpha", "Charlie"):
        make_report(subject)
    client = client_as("triager")
    assert subjects(client.get("/inbox/").content.decode()) == ["Charlie", "Alpha", "Bravo"]
    page = client.get("/inbox/?sort=subject").content.decode()
    assert subjects(page) == ["Alpha", "Bravo", "Charlie"]
    assert '<th scope="col" aria-sort="ascending"><a class="sort" href="?sort=-subject">' in page
    page = client.get("/inbox/?sort=-subject&page=1").content.decode()
    assert subjects(page) == ["Charlie", "Bravo", "Alpha"]
    assert 'aria-sort="descending"' in page
    # Anything else sorts as the default, newest first.
    assert subjects(client.get("/inbox/?sort=password").content.decode())[0] == "Charlie"


def test_reports_are_assigned_in_bulk_or_one_by_one_and_mine_shows_mine(
    client_as: Any, personas: Any
) -> None:
    one, two, three = make_report("One"), make_report("Two"), make_report("Three")
    client = client_as("triager")
    client.post("/inbox/", {"reports": [one.pk, two.pk], "assignee": personas.triager.pk})
    assert set(Assignment.objects.values_list("report_id", flat=True)) == {one.pk, two.pk}
    assert subjects(client.get("/inbox/?assigned=me").content.decode()) == ["Two", "One"]
    assert subjects(client.get("/inbox/?assigned=nobody").content.decode()) == ["Three"]
    client.post(f"/reports/{three.pk}/assign/", {"triager": "me"})
    assert Assignment.objects.get(report=three).triager == personas.triager
    client.post(f"/reports/{one.pk}/assign/", {"triager": "none"})
    assert not Assignment.objects.filter(report=one).exists()
    # Only triagers (and admins) take reports; an owner is refused.
    response = client.post(
        f"/reports/{two.pk}/assign/", {"triager": personas.owner.pk}, follow=True
    )
    assert "Only a triager can be assigned a report." in response.content.decode()
    assert Assignment.objects.get(report=two).triager == personas.triager
    page = client.get(f"/reports/{three.pk}/").content.decode()
    assert f'<option value="{personas.triager.pk}" selected>tom</option>' in page


@pytest.mark.parametrize(("hours", "badge"), [(1, "age-fresh"), (30, "age-due"), (60, "age-late")])
def test_age_badges_measure_the_wait_for_a_first_answer_against_the_target(
    client_as: Any, settings: Any, hours: int, badge: str
) -> None:
    settings.TAPECUT_FIRST_ANSWER_HOURS = 48
    make_report("Waiting", received_at=timezone.now() - dt.timedelta(hours=hours))
    page = client_as("triager").get("/inbox/").content.decode()
    assert f'<span class="badge {badge}">' in page
    assert "waiting for a first answer" in page


def test_a_report_the_team_answered_has_no_age_badge(client_as: Any) -> None:
    report = make_report("Answered", received_at=timezone.now() - dt.timedelta(days=5))
    FollowUp.objects.create(
        report=report, author=FollowUp.Author.TEAM, text="Which form?", created_at=timezone.now()
    )
    page = client_as("triager").get("/inbox/").content.decode()
    assert 'class="badge age-' not in page


def test_check_these_first_orders_by_how_unsure_the_model_is(client_as: Any, personas: Any) -> None:
    category = make_category()
    for subject, confidence, confirmed in (
        ("Sure", 0.95, None),
        ("Unsure", 0.31, None),
        ("Middling", 0.6, None),
        ("Confirmed", 0.2, personas.triager),
    ):
        ReportAnalysis.objects.create(
            report=make_report(subject),
            category=category,
            category_confidence=confidence,
            category_confirmed_by=confirmed,
        )
    make_report("Not analysed")
    page = client_as("triager").get("/inbox/?queue=unsure").content.decode()
    assert subjects(page) == ["Unsure", "Middling", "Sure"]
    assert 'Signatures <span class="meta">31%</span>' in page


def test_the_keyboard_actions_answer_with_the_status_line_only(
    client_as: Any, personas: Any
) -> None:
    report = make_report("Keys")
    ReportAnalysis.objects.create(report=report, category=make_category(), category_confidence=0.5)
    client = client_as("triager")
    headers = {"hx-request": "true", "hx-target": "messages"}
    part = client.post(
        f"/reports/{report.pk}/suggestion/", {"action": "accept_all"}, headers=headers
    ).content.decode()
    assert part.startswith('<div id="messages" role="status">') and "Saved." in part
    assert "<main" not in part
    assert ReportAnalysis.objects.get(report=report).category_confirmed_by == personas.triager
    part = client.post(
        f"/reports/{report.pk}/assign/", {"triager": "me"}, headers=headers
    ).content.decode()
    assert f"Report #{report.pk} assigned to tom." in part and "<main" not in part


def test_the_inbox_lists_its_keyboard_shortcuts(client_as: Any) -> None:
    make_report("Keys")
    page = client_as("triager").get("/inbox/").content.decode()
    assert '<dialog class="shortcuts" id="shortcuts"' in page
    for key in ("j", "k", "a", "m", "?"):
        assert f"<kbd>{key}</kbd>" in page
    assert "tapecut/inbox.js" in page
