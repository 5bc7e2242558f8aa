""" "You said, we did": done and declined changes, counts only from five reports up."""

from __future__ import annotations

import pytest

from tapecut.intake.models import Mode
from tapecut.triage import actions
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import FixFeedback, Notice

pytestmark = pytest.mark.django_db


def finish(change, actor, status="done", reason=""):  # type: ignore[no-untyped-def]
    if status == "done":
        actions.do_change_status(change, "approved", actor=actor)
    actions.do_change_status(change, status, actor=actor, reason=reason)


def test_board_counts_and_hides(personas, client_as):  # type: ignore[no-untyped-def]
    many = [make_report(f"Travel {i}", sender=f"t{i}@corp.example") for i in range(6)]
    few = [make_report("Parking", sender="secret.person@corp.example", mode=Mode.PSEUDONYMOUS)]
    big = actions.do_create_change(
        title="One signature", decision="One manager signs.", actor=personas.triager,
        themes=[make_theme("Travel", many)],
    )  # fmt: skip
    small = actions.do_create_change(title="Parking permits", actor=personas.triager, reports=few)
    pending = actions.do_create_change(title="Still thinking", actor=personas.triager)
    finish(big, personas.triager)
    finish(small, personas.triager, "declined", "The city decides, not us.")
    for i, report in enumerate(many[:5]):
        notice = Notice.objects.create(kind="outcome", change=big, report=report, channel="email")
        FixFeedback.objects.create(notice=notice, change=big, answer="yes" if i < 4 else "no")

    page = client_as("leader").get("/board/").content.decode()
    assert "One signature" in page and "One manager signs." in page
    assert "Answers 6 reports." in page
    assert "4 of 5 reporters who answered say it fixed the problem." in page
    assert "Parking permits" in page and "The city decides, not us." in page
    assert "Answers fewer than 5 reports." in page
    assert pending.title not in page
    for secret in ("secret.person", "t0@corp.example", "Reporter "):
        assert secret not in page


def test_feedback_from_fewer_than_five_is_not_summarised(personas, client_as):  # type: ignore[no-untyped-def]
    reports = [make_report(f"Form {i}") for i in range(5)]
    change = actions.do_create_change(title="Shorter form", actor=personas.triager, reports=reports)
    finish(change, personas.triager)
    notice = Notice.objects.create(
        kind="outcome", change=change, report=reports[0], channel="email"
    )
    FixFeedback.objects.create(notice=notice, change=change, answer="no")
    page = client_as("reporter").get("/board/").content.decode()
    assert "Answers 5 reports." in page
    assert "reporters who answered" not in page
