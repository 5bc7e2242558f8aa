"""From emails to a change to every reporter told, once, through the right channel.

Several emails arrive as the SMTP receiver stores them (named, pseudonymous, anonymous, some of
them duplicates); the worker parses and analyses them with the fake embedder; a triager turns the
theme into a change; its owner finishes it; the notice jobs run twice; reporters answer
"did this fix it?".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.ai import registry
from tapecut.analysis import ann, stages_config
from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages import embedding
from tapecut.core import jobs
from tapecut.intake.models import FollowUp, Report
from tapecut.intake.storing import do_store_inbound
from tapecut.triage import notices
from tapecut.triage.models import Change, FixFeedback, Notice

pytestmark = pytest.mark.django_db

OUTCOME_EN = "What came of your report"
OUTCOME_DE = "Was aus Ihrer Meldung wurde"
TRAVEL = (
    "Every travel expense form needs three signatures from three managers before it is paid. "
    "Collecting the three signatures for one travel expense form takes two weeks every time."
)


@pytest.fixture(autouse=True)
def fake_ai(settings: Any) -> Iterator[None]:
    """The deterministic fake embedder, as the analysis tests use it."""
    settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    for reset in (registry.reset, stages_config.reset, ann.reset, embedding._baselines.clear):
        reset()
    yield
    for reset in (registry.reset, stages_config.reset, ann.reset, embedding._baselines.clear):
        reset()


def email(n: int, sender: str, name: str, subject: str, body: str, to: str) -> bytes:
    domain = sender.rpartition("@")[2]  # our mail server checked each sender (DKIM)
    return (
        f"Authentication-Results: mx.corp.example; dkim=pass header.d={domain}\r\n"
        f"From: {name} <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Thu, 26 Nov 2026 09:0{n}:00 +0100\r\nMessage-ID: <e2e-{n}@mail.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


NAMED, ANON = "bureaucracy@corp.example", "anonymous@corp.example"
MAILS = [
    # (sender, name, mode, to, subject, body)
    ("alice@corp.example", "Alice Archer", None, NAMED, "Travel expense form", TRAVEL),
    (
        "alice@corp.example",
        "Alice Archer",
        None,
        NAMED,
        "Travel expense form, again",
        TRAVEL + " And again this month the travel expense form waited for signatures.",
    ),
    ("bob@corp.example", "Bob Baker", "pseudonymous", NAMED, "Three signatures", TRAVEL),
    ("carol@home.example", "Carol", None, ANON, "Travel expense signatures", TRAVEL),
    (
        "dan@corp.example",
        "Dan Dorn",
        None,
        NAMED,
        "Reisekostenabrechnung",
        "Jede Reisekostenabrechnung braucht drei Unterschriften von drei Vorgesetzten. "
        "Das dauert jedes Mal zwei Wochen, bis die Reisekosten erstattet werden.",
    ),
    (
        "eve@corp.example",
        "Eve",
        None,
        NAMED,
        "Canteen opening hours",
        "The canteen closes at 13:00, before most of the night shift can eat lunch.",
    ),
]


def work(capture: Any) -> None:
    """Run the worker until nothing is left, with the after-commit signals it sends."""
    for _round in range(10):
        with capture(execute=True) as callbacks:
            ran = jobs.run_pending()
        if not ran and not callbacks:
            return
    raise AssertionError("the jobs did not settle")


def arrive(capture: Any) -> dict[str, Report]:
    """Store the emails as the SMTP receiver does, then let the worker do everything."""
    for n, (sender, name, mode, to, subject, body) in enumerate(MAILS):
        raw = email(n, sender, name, subject, body, to)
        do_store_inbound(raw, channel="smtp", envelope_from=sender, envelope_to=[to], mode=mode)
    work(capture)
    reports = {r.subject: r for r in Report.objects.select_related("reporter")}
    assert len(reports) == len(MAILS)
    return reports


def receipt_code() -> str:
    answer = next(m for m in mail.outbox if m.to == ["carol@home.example"])
    match = re.search(r"^\s+([0-9][0-9 -]{8,})\s*$", str(answer.body), re.MULTILINE)
    assert match, answer.body
    return match.group(1).strip()


def outcome_mail() -> list[Any]:
    return [m for m in mail.outbox if OUTCOME_EN in m.subject or OUTCOME_DE in m.subject]


def check_intake(reports: dict[str, Report]) -> Any:
    """Acknowledged once each, analysed, and grouped: returns the travel theme."""
    # Named reporters get our acknowledgement (one per report); protected ones the automatic
    # answer of accounts (with the receipt code or the alias) instead: nobody gets both.
    acks = Counter(
        m.to[0]
        for m in mail.outbox
        if m.subject.startswith(("We received your report", "Wir haben Ihre Meldung erhalten"))
    )
    assert acks == {"alice@corp.example": 2, "dan@corp.example": 1, "eve@corp.example": 1}
    answers = Counter(m.to[0] for m in mail.outbox if m.subject == "Your report has arrived")
    assert answers == {"bob@corp.example": 1, "carol@home.example": 1}
    bob = reports["Three signatures"].reporter
    assert bob is not None and bob.address == ""  # pseudonymous: sealed
    assert ReportAnalysis.objects.filter(state="done").count() == len(MAILS)
    # Analysis grouped the travel reports in one theme; the canteen is elsewhere.
    theme = ReportAnalysis.objects.get(report=reports["Travel expense form"]).theme
    assert theme is not None
    in_theme = set(
        ReportAnalysis.objects.filter(theme=theme).values_list("report__subject", flat=True)
    )
    assert {"Travel expense form", "Three signatures", "Travel expense signatures"} <= in_theme
    assert "Canteen opening hours" not in in_theme
    return theme


def create_change(triager: Client, personas: Any, theme: Any, dan: Report) -> Change:
    """From the theme, with the German report added by hand; then approved."""
    response = triager.post(
        f"/changes/new/?theme={theme.pk}&report={dan.pk}",
        {
            "title": "One signature for travel expenses",
            "decision": "From January, one manager signs travel expenses.",
            "owner": personas.owner.pk,
            "theme": theme.pk,
            "report": dan.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    change = Change.objects.get()
    assert change.owner == personas.owner
    triager.post(f"/changes/{change.pk}/status/", {"status": "approved"})
    return change


def finish_through_the_api(owner: Any, change: Change) -> None:
    _token, raw_token = do_create_token(owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    for status in ("in_progress", "done"):
        answer = api.post(
            f"/api/v1/changes/{change.pk}/status",
            data=json.dumps({"status": status}),
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done"


def check_told_once(reports: dict[str, Report], code: str) -> None:
    told = Counter(m.to[0] for m in outcome_mail())
    assert told == {
        "alice@corp.example": 1,  # two reports, one reporter
        "bob@corp.example": 1,  # pseudonymous: the sealed address, opened only to send
        "dan@corp.example": 1,
        "carol@home.example": 1,  # anonymous: the relay through the sealed address
    }
    german = next(m for m in outcome_mail() if m.to == ["dan@corp.example"])
    assert OUTCOME_DE in german.subject and "From January" in german.body
    # Four reporters, each told of each of the three steps once.
    steps = Counter(Notice.objects.filter(kind="outcome").values_list("step", flat=True))
    assert steps == {"approved": 4, "in_progress": 4, "done": 4}
    assert set(Notice.objects.filter(kind="outcome").values_list("state", flat=True)) == {"sent"}
    # The anonymous reporter reads each step on the receipt page, once.
    page = Client().post("/receipt/", {"code": code}).content.decode()
    assert page.count("From January, one manager signs travel expenses.") == 3
    carol = reports["Travel expense signatures"]
    team = FollowUp.objects.filter(report=carol, author="team", text__contains="One signature")
    assert team.count() == 3


def answer_did_it_fix_it(change: Change) -> None:
    """Opening the link records nothing; answering "no" does, and flags the change."""
    alice_mail = next(m for m in outcome_mail() if m.to == ["alice@corp.example"])
    no_link = re.search(r"https?://\S+/feedback/\S+\?answer=no", str(alice_mail.body))
    assert no_link is not None
    path = no_link.group(0).split("://", 1)[1].split("/", 1)[1]
    reporter = Client()
    assert reporter.get("/" + path).status_code == 200
    assert not FixFeedback.objects.exists()
    reporter.post("/" + path.split("?")[0], {"answer": "no", "comment": "Still two signatures."})
    feedback = FixFeedback.objects.get()
    assert (feedback.answer, feedback.comment) == ("no", "Still two signatures.")
    change.refresh_from_db()
    assert change.needs_attention


def test_from_emails_to_every_reporter_told_once(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    reports = arrive(capture)
    code = receipt_code()
    theme = check_intake(reports)
    triager = Client()
    triager.force_login(personas.triager)
    change = create_change(triager, personas, theme, reports["Reisekostenabrechnung"])
    finish_through_the_api(personas.owner, change)
    assert outcome_mail() == []  # nobody is told before the worker runs
    # The notice jobs run twice (a second worker, a restart), and are planned again.
    work(capture)
    work(capture)
    notices.enqueue_outcome(change.pk)
    work(capture)
    check_told_once(reports, code)
    answer_did_it_fix_it(change)
    assert "did not fix it" in triager.get(f"/themes/{theme.pk}/").content.decode()
    # The board shows the change with its count and no identities.
    board = triager.get("/board/").content.decode()
    assert "One signature for travel expenses" in board and "Answers 5 reports." in board
    for secret in ("alice", "Alice", "bob", "carol", "Dan Dorn"):
        assert secret not in board
