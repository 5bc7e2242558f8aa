"""News at every step: planned, in progress, done (with "did this fix it?"), declined; once per
reporter and step, in their language, with a one-click stop; and the same for followers."""

from __future__ import annotations

import email
import email.header
import json
import re
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.core import jobs
from tapecut.intake.models import Mode
from tapecut.triage import actions, following, notices, texts
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, Follow, NewsStop, Notice

pytestmark = pytest.mark.django_db


def api_as(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(user)[1]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def worker_once() -> None:
    call_command("worker", "--once", stdout=StringIO())


def take_mails(folder: Path) -> list[email.message.Message]:
    """The messages the file backend wrote (one or more per file), removing the files."""
    found = []
    for path in folder.glob("*.log"):
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk))
        path.unlink()
    return found


def test_api_steps_mail_every_reporter_once_per_step(
    personas: Any, settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    reports = [
        make_report("Travel form", sender="alice@corp.example"),
        make_report("Travel form again", sender="alice@corp.example"),
        make_report("Travel", sender="bob@corp.example"),
        make_report("Reisekosten", sender="dan@corp.example", language="de"),
    ]
    theme = make_theme("Travel forms", reports)
    triager = api_as(personas.triager)
    created = post(
        triager,
        "/api/v1/changes",
        {"title": "One signature", "problem": "Three signatures.", "decision": "One signs.",
         "theme_ids": [theme.pk]},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    change_id = created.json()["id"]
    worker_once()
    assert take_mails(tmp_path) == []  # proposed: nobody is told yet
    told: dict[str, list[Any]] = {}
    for step in ("approved", "in_progress", "done"):
        moved = post(triager, f"/api/v1/changes/{change_id}/status", {"status": step})
        assert moved.status_code == 200, moved.content
        worker_once()
        worker_once()  # a second worker, a restart: nobody hears twice
        told[step] = take_mails(tmp_path)
        assert sorted(m["To"] for m in told[step]) == [
            "alice@corp.example", "bob@corp.example", "dan@corp.example"
        ], step  # fmt: skip
    notices.enqueue_outcome(change_id, "done")
    worker_once()
    assert take_mails(tmp_path) == []
    per_step = Counter(Notice.objects.filter(kind="outcome").values_list("step", flat=True))
    assert per_step == {"approved": 3, "in_progress": 3, "done": 3}
    subjects = [
        next(m for m in told[step] if m["To"] == "alice@corp.example")["Subject"].split(":")[0]
        for step in ("approved", "in_progress", "done")
    ]
    assert subjects == [
        "A change is planned because of your report",
        "Work has started on a change you asked for",
        "What came of your report",
    ]
    german = next(m for m in told["approved"] if m["To"] == "dan@corp.example")
    assert "Wegen Ihrer Meldung" in str(
        email.header.make_header(email.header.decode_header(german["Subject"]))
    )
    done = next(m for m in told["done"] if m["To"] == "alice@corp.example")
    body = done.get_payload(decode=True).decode()
    assert "Did this fix it for you?" in body and "/feedback/" in body
    assert done["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/stop/" in done["List-Unsubscribe"]


def test_declined_says_why_in_the_reporters_language(personas: Any) -> None:
    report = make_report("Reisekosten", sender="dan@corp.example", language="de")
    change = actions.do_create_change(
        title="Online form", decision="A web form.", actor=personas.triager, reports=[report]
    )
    texts.do_set_text(
        change, "de", actor=personas.triager, title="Online-Formular", decision="Ein Webformular."
    )
    actions.do_change_status(change, "declined", actor=personas.triager, reason="Das Gesetz.")
    jobs.run_pending()
    (german,) = mail.outbox
    assert "Online-Formular" in german.subject and german.subject.startswith("Was aus")
    assert "Ein Webformular." in german.body and "Das Gesetz." in german.body
    assert "Did this fix it" not in german.body


def stop_path(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/stop/\S+/)", str(message.body))
    assert found is not None
    return found.group(1)


def test_one_click_stop_ends_the_news_of_that_change_only(personas: Any) -> None:
    alice = make_report("Travel", sender="alice@corp.example")
    bob = make_report("Travel", sender="bob@corp.example")
    change = actions.do_create_change(
        title="One signature", actor=personas.triager, reports=[alice, bob]
    )
    other = actions.do_create_change(title="Canteen", actor=personas.triager, reports=[alice])
    actions.do_change_status(change, "approved", actor=personas.triager)
    jobs.run_pending()
    to_alice = next(m for m in mail.outbox if m.to == ["alice@corp.example"])
    path = stop_path(to_alice)
    assert Client().get(path).status_code == 200
    assert not NewsStop.objects.exists()  # opening the link (a mail scanner) stops nothing
    # The mail program's one-click POST carries no form and no CSRF token.
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert NewsStop.objects.filter(change=change, reporter=alice.reporter).exists()
    mail.outbox.clear()
    actions.do_change_status(change, "in_progress", actor=personas.triager)
    actions.do_change_status(other, "approved", actor=personas.triager)
    jobs.run_pending()
    assert sorted((m.to[0], m.subject.split(": ")[1]) for m in mail.outbox) == [
        ("alice@corp.example", "Canteen"),
        ("bob@corp.example", "One signature"),
    ]


def test_which_steps_mail_is_a_setting(personas: Any, settings: Any) -> None:
    settings.TAPECUT_NEWS_STEPS = ["done"]
    report = make_report("Travel", sender="alice@corp.example")
    change = actions.do_create_change(
        title="One signature", actor=personas.triager, reports=[report]
    )
    for step in ("approved", "in_progress", "done"):
        actions.do_change_status(change, step, actor=personas.triager)
    jobs.run_pending()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["What came of your report"]


def test_anonymous_reporters_read_each_step_on_their_receipt_page(personas: Any) -> None:
    report = make_report("Travel", sender="carol@home.example", mode=Mode.ANONYMOUS)
    change = actions.do_create_change(
        title="One signature", actor=personas.triager, reports=[report]
    )
    for step in ("approved", "in_progress"):
        actions.do_change_status(change, step, actor=personas.triager)
    jobs.run_pending()
    team = report.followups.filter(author="team").order_by("id")
    assert [t.text.split(":")[0] for t in team] == [
        "A change is planned because of your report",
        "Work has started on a change you asked for",
    ]


def test_followers_hear_each_step_and_can_stop(personas: Any) -> None:
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    assert following.do_follow(change, personas.reporter)
    assert not following.do_follow(change, personas.reporter)  # once
    actions.do_change_status(change, "approved", actor=personas.triager)
    jobs.run_pending()
    jobs.run_pending()
    (news,) = mail.outbox
    assert news.to == [personas.reporter.email] and "One signature" in news.body
    Client().post(stop_path(news))
    assert not Follow.objects.filter(change=change).exists()
    actions.do_change_status(change, "in_progress", actor=personas.triager)
    jobs.run_pending()
    assert len(mail.outbox) == 1


def test_followers_hear_in_the_language_they_followed_in(personas: Any) -> None:
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    texts.do_set_text(change, "de", actor=personas.triager, title="Eine Unterschrift")
    following.do_follow(change, personas.reporter, language="de")
    actions.do_change_status(change, "approved", actor=personas.triager)
    jobs.run_pending()
    (news,) = mail.outbox
    assert "Eine Unterschrift" in news.subject and "ist geplant" in news.body


def test_a_bad_stop_link_is_404(db: None) -> None:
    assert Client().get("/stop/nonsense/").status_code == 404
    assert Change.objects.count() == 0
