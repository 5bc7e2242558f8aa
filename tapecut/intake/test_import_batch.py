"""``tapecut import`` in batches: what message by message leaves, and all or nothing per batch."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from datetime import timedelta
from email.utils import format_datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tapecut.core.models import Job
from tapecut.intake import identity, parse_ahead, processing
from tapecut.intake import import_run as command
from tapecut.intake.models import FollowUp, InboundMessage, MessageRef, Mode, Report, Reporter
from tapecut.intake.signals import report_created

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ANALYSE_JOB = "analysis.report"  # what analysis queues for each new report

pytestmark = pytest.mark.django_db


def run_import(path: Path) -> dict:
    out = StringIO()
    call_command("import", str(path), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def message(n: int, *, sender: str, extra: str = "", subject: str = "", date: str = "") -> bytes:
    return (
        f"From: Person {sender} <{sender}@example.org>\r\nTo: mailbox@example.org\r\n"
        f"Subject: {subject or f'Form {n} asks twice'}\r\nMessage-ID: <m{n}@example.org>\r\n"
        f"Date: {date or f'Mon, 5 Jan 2026 10:{n:02d}:00 +0100'}\r\n{extra}\r\n"
        f"Form {n} asks for the same number twice; it costs me ten minutes a week.\r\n"
    ).encode()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Reports from repeat senders, a reply to a report of the same batch, and the fixtures."""
    folder = tmp_path / "mixed"
    shutil.copytree(FIXTURES, folder)
    for n in range(12):
        (folder / f"r{n:02d}.eml").write_bytes(message(n, sender=f"s{n % 3}"))
    reply = message(
        40, sender="s1", subject="Re: Form 4 asks twice", extra="In-Reply-To: <m4@example.org>\r\n"
    )
    (folder / "r40-reply.eml").write_bytes(reply)
    (folder / "r41-after-reply.eml").write_bytes(message(41, sender="s9"))
    # A recent report, a reply to it by subject alone, and a "Re:" that answers nothing.
    recent = format_datetime(timezone.now() - timedelta(days=1))
    (folder / "r50.eml").write_bytes(message(50, sender="s5", subject="Recent form", date=recent))
    (folder / "r51.eml").write_bytes(message(51, sender="s5", subject="Re: Recent form"))
    (folder / "r52.eml").write_bytes(message(52, sender="s6", subject="Re: Nothing known"))
    return folder


def snapshot() -> dict:
    """What an import leaves behind, without ids or times that differ between two runs."""
    reports = sorted(
        (r.subject, r.text, r.language, r.message_id, r.reporter.address if r.reporter else "")
        for r in Report.objects.select_related("reporter")
    )
    messages = sorted(
        (m.sha256, m.state, m.outcome, re.sub(r"\d+", "N", m.reason), m.message_id)
        for m in InboundMessage.objects.all()
    )
    followups = sorted(
        (f.report.subject, f.text) for f in FollowUp.objects.select_related("report")
    )
    refs = sorted(MessageRef.objects.values_list("message_id", "report__subject"))
    jobs = sorted(Job.objects.values_list("kind", flat=True))
    return {
        "reports": reports,
        "messages": messages,
        "followups": followups,
        "refs": refs,
        "jobs": jobs,
        "reporters": sorted(Reporter.objects.values_list("address", "display_name")),
    }


def test_batches_leave_what_one_message_at_a_time_leaves(mixed: Path, monkeypatch) -> None:
    monkeypatch.setattr(command, "BATCH_MESSAGES", 1)
    one_by_one = run_import(mixed)
    expected = snapshot()
    for model in (Job, MessageRef, FollowUp, Report, Reporter, InboundMessage):
        model.objects.all().delete()
    monkeypatch.setattr(command, "BATCH_MESSAGES", 100)
    batched = run_import(mixed)

    timing = {"seconds", "cpu_seconds", "msgs_per_s"}
    assert {k: v for k, v in batched.items() if k not in timing} == {
        k: v for k, v in one_by_one.items() if k not in timing
    }
    # The fixture's own reply, the one to report 4, and the one to the recent report.
    assert batched["replies"] == 3
    assert snapshot() == expected
    assert FollowUp.objects.get(text__contains="Form 40").report.subject == "Form 4 asks twice"
    assert FollowUp.objects.get(text__contains="Form 51").report.subject == "Recent form"
    assert Report.objects.filter(subject="Re: Nothing known").exists()


def test_mail_that_only_looks_like_replies_costs_no_query_per_message(tmp_path: Path) -> None:
    def queries(subject: str) -> int:
        folder = tmp_path / subject.replace(" ", "").replace(":", "")
        folder.mkdir()
        for n in range(30):
            (folder / f"{n}.eml").write_bytes(
                message(n, sender=f"{subject[:2]}{n}", subject=f"{subject} {n}")
            )
        with CaptureQueriesContext(connection) as captured:
            assert run_import(folder)["reports"] == 30
        return len(captured)

    assert queries("Re: Form") <= queries("Form") + 2  # one look-up of threads for the batch


def test_a_crash_mid_batch_keeps_nothing_of_it_and_the_next_run_imports_all_once(
    mixed: Path, monkeypatch
) -> None:
    monkeypatch.setattr(command, "BATCH_MESSAGES", 8)
    seen: list[int] = []

    def crash_on_the_tenth(sender, report, **kwargs) -> None:
        seen.append(report.pk)
        if len(seen) == 10:
            raise SystemExit("killed")  # as abrupt as it gets inside Python

    report_created.connect(crash_on_the_tenth, dispatch_uid="test.crash")
    try:
        with pytest.raises(SystemExit):
            run_import(mixed)
    finally:
        report_created.disconnect(dispatch_uid="test.crash")
    # The first batch is committed whole; of the second, in which it crashed, nothing is.
    first = set(InboundMessage.objects.values_list("pk", flat=True))
    assert len(first) == 8 - 1  # the fixtures hold the same bytes twice
    assert Report.objects.filter(inbound_id__in=first).count() == Report.objects.count()
    assert not InboundMessage.objects.filter(state=InboundMessage.State.PENDING).exists()

    summary = run_import(mixed)
    assert summary["already_stored"] == 8
    assert InboundMessage.objects.count() == summary["messages"] - 1
    assert Report.objects.count() + FollowUp.objects.count() + summary["non_reports"] <= (
        InboundMessage.objects.count()
    )
    # Each report once, with one analysis job.
    analysed = Job.objects.filter(kind=ANALYSE_JOB)
    assert sorted(j.payload["report_id"] for j in analysed) == sorted(
        Report.objects.values_list("pk", flat=True)
    )


def run_import_with(path: Path, helpers: int) -> dict:
    out = StringIO()
    call_command("import", str(path), "--json", f"--parse-helpers={helpers}", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def imported_alone(mixed: Path, monkeypatch) -> tuple[dict, dict]:
    """The summary and snapshot of an import that parses everything itself, in batches of 5
    (so that several are parsed ahead in the next run); the database is emptied again."""
    monkeypatch.setattr(command, "BATCH_MESSAGES", 5)
    alone = run_import_with(mixed, 0)
    expected = snapshot()
    for model in (Job, MessageRef, FollowUp, Report, Reporter, InboundMessage):
        model.objects.all().delete()
    return alone, expected


def test_a_parsing_helper_leaves_what_parsing_here_leaves(mixed: Path, monkeypatch) -> None:
    alone, expected = imported_alone(mixed, monkeypatch)
    helped = run_import_with(mixed, 1)

    assert (alone["parse_helpers"], helped["parse_helpers"]) == (0, 1)
    varying = {"seconds", "cpu_seconds", "msgs_per_s", "parse_helpers"}
    assert {k: v for k, v in helped.items() if k not in varying} == {
        k: v for k, v in alone.items() if k not in varying
    }
    assert snapshot() == expected  # languages guessed by the helper included
    assert Report.objects.exclude(language="").exists()


def _helper_dies(raws: list[bytes]) -> list:
    os._exit(3)  # as a helper killed by the kernel would end


def test_a_helper_that_dies_costs_nothing_but_its_help(mixed: Path, monkeypatch, caplog) -> None:
    alone, expected = imported_alone(mixed, monkeypatch)
    monkeypatch.setattr(parse_ahead, "read_ahead", _helper_dies)

    helped = run_import_with(mixed, 1)

    assert helped["reports"] == alone["reports"] and helped["error_count"] == 0
    assert snapshot() == expected
    assert "parsing helper failed" in caplog.text


def test_a_guess_made_with_the_parse_is_kept_only_for_the_text_it_was_made_on() -> None:
    raw = message(1, sender="s1")
    read = parse_ahead.read_one(raw, guess=True)
    assert isinstance(read, tuple)
    parsed = dataclasses.replace(read[0], language="xx")  # a guess no detector would make
    msg = InboundMessage(mode=Mode.NAMED, channel="import", received_at=timezone.now())
    assert processing.build_report(msg, parsed, None).language == "xx"
    protected = identity.for_storage(parsed, Mode.ANONYMOUS)
    assert protected.language is None
    msg.mode = Mode.ANONYMOUS
    assert processing.build_report(msg, protected, None).language == "en"


def _helper_sends_nothing_back(raws: list[bytes]) -> list:
    return [lambda: None]  # a read that cannot be pickled back


def test_a_batch_the_helper_cannot_send_back_is_parsed_here(
    mixed: Path, monkeypatch, caplog
) -> None:
    alone, expected = imported_alone(mixed, monkeypatch)
    monkeypatch.setattr(parse_ahead, "read_ahead", _helper_sends_nothing_back)

    helped = run_import_with(mixed, 1)

    assert helped["reports"] == alone["reports"] and helped["parse_helpers"] == 1
    assert snapshot() == expected
    assert "parsed here" in caplog.text and "parsing helper failed (" not in caplog.text
