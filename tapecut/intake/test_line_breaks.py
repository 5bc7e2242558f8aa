"""A line break in a subject, a name or a file name is a clear error that keeps the text."""

from __future__ import annotations

import json
import time

import pytest

from tapecut.accounts.actions import do_create_token
from tapecut.custody.testing import make_user
from tapecut.intake.form import has_line_break, issue_token
from tapecut.intake.models import InboundMessage, Mode

pytestmark = pytest.mark.django_db


def test_line_breaks_are_recognised():
    assert has_line_break("a\r\nBcc: x@example.org") and has_line_break("a\u2028b")
    assert not has_line_break("Form 27b: three stamps")


def test_the_web_form_says_so_and_keeps_what_was_typed(client):
    page = client.post(
        "/report/",
        {
            "subject": "Form 27b\r\nBcc: someone@example.org",
            "text": "I typed a long text about form 27b and do not want to lose it.",
            "mode": Mode.ANONYMOUS,
            "website": "",
            "token": issue_token(time.time() - 10),
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "line breaks" in html
    assert "I typed a long text about form 27b" in html
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "Form 27b\r\nBcc: someone@example.org"},
        {"attachments": [{"filename": "a\nb.txt", "data_base64": "eA=="}]},
    ],
)
def test_the_api_answers_400_in_json(client, body):
    _token, raw = do_create_token(make_user("portal", "reporter"))
    payload = {"text": "Form 27b needs three stamps.", "mode": "anonymous", **body}
    answer = client.post(
        "/api/v1/reports",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert answer.status_code == 400, answer.content
    assert "line breaks" in answer.json()["detail"]
    assert not InboundMessage.objects.exists()


def test_the_web_form_says_so_in_german(client):
    page = client.post(
        "/report/",
        {
            "subject": "Formular 27b\r\nBcc: someone@example.org",
            "text": "Ein langer Text über das Formular 27b, den ich nicht verlieren will.",
            "mode": Mode.ANONYMOUS,
            "website": "",
            "token": issue_token(time.time() - 10),
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Bitte schreiben Sie dies in eine Zeile (ohne Zeilenumbrüche)." in html
    assert "line breaks" not in html
