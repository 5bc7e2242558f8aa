""" "Did this fix it?": signed one-press links, and a "no" that brings the change back."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tapecut.core.models import AuditEvent
from tapecut.triage import actions, links
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, FixFeedback, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(personas):  # type: ignore[no-untyped-def]
    report = make_report(sender="nina@corp.example")
    theme = make_theme("Travel forms", [report])
    change = actions.do_create_change(title="One signature", actor=personas.triager, themes=[theme])
    return Notice.objects.create(
        kind="outcome",
        change=change,
        report=report,
        reporter=report.reporter,
        channel="email",
        state="sent",
    )


def test_opening_the_link_records_nothing(notice):  # type: ignore[no-untyped-def]
    page = Client().get(f"/feedback/{links.feedback_token(notice.pk)}/?answer=yes")
    assert page.status_code == 200
    assert re.search(r'value="yes"[^>]*checked', page.content.decode())
    assert not re.search(r'value="no"[^>]*checked', page.content.decode())
    assert not FixFeedback.objects.exists()


def test_no_reopens_attention_and_a_later_answer_replaces_it(notice, client_as):  # type: ignore[no-untyped-def]
    url = f"/feedback/{links.feedback_token(notice.pk)}/"
    answer = Client().post(url, {"answer": "no", "comment": "Still three signatures."})
    assert "Thank you" in answer.content.decode()
    change = Change.objects.get()
    assert change.needs_attention
    theme_page = client_as("triager").get(f"/themes/{change.themes.get().pk}/").content.decode()
    assert "did not fix it" in theme_page
    Client().post(url, {"answer": "yes"})
    feedback = FixFeedback.objects.get()
    assert (feedback.answer, feedback.comment) == ("yes", "")
    verbs = AuditEvent.objects.filter(verb="change.feedback").values_list("actor_label", flat=True)
    assert list(verbs) == ["reporter", "reporter"]


def test_forged_or_foreign_tokens_are_refused(notice):  # type: ignore[no-untyped-def]
    assert Client().get("/feedback/not-a-token/").status_code == 404
    # A follow token is signed too, but for something else.
    assert Client().get(f"/feedback/{links.follow_token(notice.pk)}/").status_code == 404
    ack = Notice.objects.create(kind="ack", report=notice.report, channel="email")
    assert Client().get(f"/feedback/{links.feedback_token(ack.pk)}/").status_code == 404
    refused = Client().post(f"/feedback/{links.feedback_token(notice.pk)}/", {"answer": "maybe"})
    assert refused.status_code == 200 and "Thank you" not in refused.content.decode()
    assert not FixFeedback.objects.exists()


def test_follow_page_shows_progress_without_identities(notice, personas):  # type: ignore[no-untyped-def]
    actions.do_ask_question(notice.report, "Which form exactly?", actor=personas.triager)
    page = Client().get(f"/follow/{links.follow_token(notice.report_id)}/")
    body = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert "Which form exactly?" in body and "One signature" in body
    assert "nina@corp.example" not in body
    assert Client().get("/follow/forged/").status_code == 404
