"""The receipt page end to end: submit, come back with the code, read a question, answer it."""

from __future__ import annotations

import re
import time

import pytest
from django.utils import timezone

from tapecut.core.models import ThrottleCounter
from tapecut.intake.form import issue_token
from tapecut.intake.models import FollowUp, InboundMessage, Mode, Report
from tapecut.intake.parsing import parse_message
from tapecut.intake.storing import raw_bytes

WRONG = "0000-1111-2222-3333"


def without_csrf(page) -> str:
    # The masked CSRF token differs on every page; nothing else may.
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", page.content.decode())


def submit(client) -> str:
    page = client.post(
        "/report/",
        {
            "subject": "Parking permit",
            "text": "The parking permit needs renewing every month in person.",
            "mode": Mode.ANONYMOUS,
            "website": "",
            "token": issue_token(time.time() - 10),
        },
    )
    assert page.status_code == 200
    return str(page.context["submission"].receipt)


@pytest.mark.django_db
def test_receipt_follow_up_end_to_end(client):
    code = submit(client)
    report = Report.objects.get()
    # The team asks a question, as the triage workspace does.
    FollowUp.objects.create(
        report=report,
        author=FollowUp.Author.TEAM,
        text="Which office issues the permit?",
        created_at=timezone.now(),
    )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.OPEN)

    assert client.get("/receipt/").status_code == 200
    page = client.post("/receipt/", {"code": code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Parking permit" in html and "Open" in html
    assert "Which office issues the permit?" in html
    assert code not in page.request.get("QUERY_STRING", "")

    page = client.post("/receipt/", {"code": code, "answer": "The one on Main Street."})
    assert page.status_code == 200
    assert page.context["answered"]
    answer = FollowUp.objects.get(author=FollowUp.Author.REPORTER)
    assert answer.report == report and answer.text == "The one on Main Street."
    # Raw first for answers too: an encrypted inbound message holds the exact words.
    inbound = answer.inbound
    assert inbound is not None
    assert inbound.encrypted and inbound.state == InboundMessage.State.PARSED
    assert "Main Street" in parse_message(raw_bytes(inbound)).text
    assert "The one on Main Street." in page.content.decode()


@pytest.mark.django_db
def test_the_code_is_never_in_a_url_or_the_session(client):
    code = submit(client)
    client.post("/receipt/", {"code": code})
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert code not in decoded and code.replace("-", "") not in decoded


@pytest.mark.django_db
def test_wrong_and_malformed_codes_get_the_same_answer(client):
    submit(client)
    wrong = client.post("/receipt/", {"code": WRONG})
    malformed = client.post("/receipt/", {"code": "hello"})
    assert wrong.status_code == malformed.status_code == 200
    assert without_csrf(wrong) == without_csrf(malformed)
    assert "Parking permit" not in wrong.content.decode()


@pytest.mark.django_db
def test_guessing_is_throttled_even_for_the_right_code(client, settings):
    settings.TAPECUT_RECEIPT_ATTEMPTS_PER_IP = 5
    code = submit(client)
    for _ in range(5):
        assert client.post("/receipt/", {"code": WRONG}).status_code == 200
    page = client.post("/receipt/", {"code": code})
    assert page.status_code == 429
    assert "Parking permit" not in page.content.decode()
    # Another client is not affected by this one's guessing.
    other = client.post("/receipt/", {"code": code}, REMOTE_ADDR="192.0.2.50")
    assert other.status_code == 200


@pytest.mark.django_db
def test_global_limit_stops_distributed_guessing(client, settings):
    settings.TAPECUT_RECEIPT_ATTEMPTS_PER_IP = 100
    settings.TAPECUT_RECEIPT_ATTEMPTS_GLOBAL = 4
    code = submit(client)
    for n in range(4):
        client.post("/receipt/", {"code": WRONG}, REMOTE_ADDR=f"198.51.100.{n}")
    page = client.post("/receipt/", {"code": code}, REMOTE_ADDR="203.0.113.1")
    assert page.status_code == 429
    assert ThrottleCounter.objects.filter(scope="receipt", key="*").get().count == 4


@pytest.mark.django_db
def test_an_empty_answer_is_refused_politely(client):
    code = submit(client)
    page = client.post("/receipt/", {"code": code, "answer": "   "})
    assert page.status_code == 200
    assert page.context["answer_error"]
    assert not FollowUp.objects.exists()
