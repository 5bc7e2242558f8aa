"""``tapecut import``: every message stored, processed once, counted; problems reported."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tapecut.core.storage import StoreFull
from tapecut.intake import import_run, parse_ahead, processing, storing
from tapecut.intake.models import InboundMessage, Report
from tapecut.intake.parsing import MessageRejected
from tapecut.intake.storing import raw_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run_import(*args: str) -> dict:
    out = StringIO()
    call_command("import", *args, "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1])


def outcomes(summary: dict) -> int:
    return sum(summary[k] for k in ("reports", "replies", "non_reports", "quarantined"))


@pytest.fixture
def corpus(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.mark.django_db
def test_import_fixtures_counts_every_outcome(corpus):
    summary = run_import(str(corpus))
    assert summary["messages"] == 8
    assert summary["files"] == 6
    assert summary["already_stored"] == 1  # leading-from.eml has the same bytes as duplicate.eml
    assert summary["new"] == 7
    assert (summary["reports"], summary["replies"], summary["non_reports"]) == (5, 1, 1)
    assert summary["quarantined"] == 0
    assert outcomes(summary) == summary["new"]
    assert summary["errors"] == [] and summary["skipped"] == 0
    assert summary["seconds"] > 0
    assert InboundMessage.objects.filter(channel="import").count() == 7
    assert not InboundMessage.objects.filter(state=InboundMessage.State.PENDING).exists()
    assert Report.objects.count() == 5


@pytest.mark.django_db
def test_import_keeps_the_envelope_and_the_exact_bytes(corpus):
    run_import(str(corpus))
    msg = InboundMessage.objects.get(envelope_extra__path=str(corpus / "duplicate.eml"))
    assert msg.envelope_extra["mbox_from"].startswith("From alice@example.org")
    assert raw_bytes(msg) == (corpus / "duplicate.eml").read_bytes().split(b"\n", 1)[1]
    third = InboundMessage.objects.get(envelope_extra__mbox_index=3)
    assert third.outcome == InboundMessage.Outcome.REPLY
    odd = InboundMessage.objects.get(envelope_extra__path__endswith="Überstunden – März.eml")
    assert Report.objects.get(inbound=odd).received_at.year == 2026  # the message's own date


@pytest.mark.django_db
def test_reimport_reports_everything_as_already_stored(corpus):
    run_import(str(corpus))
    reports = Report.objects.count()
    again = run_import(str(corpus))
    assert again["messages"] == again["already_stored"] == 8
    assert again["new"] == outcomes(again) == 0
    assert Report.objects.count() == reports


@pytest.mark.django_db
def test_a_message_stored_but_never_processed_is_finished_on_the_next_run(corpus):
    raw = (corpus / "maildir" / "new" / "1767700000.M2P200.mailhost").read_bytes()
    storing.do_store_inbound(raw, channel="import", enqueue=False)  # as if the run had died here
    summary = run_import(str(corpus))
    assert summary["resumed"] == 1
    assert summary["already_stored"] == 1
    assert outcomes(summary) == summary["new"] == 7


@pytest.mark.django_db
def test_skipped_and_unreadable_files_are_reported_not_fatal(corpus):
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (corpus / "broken link.eml").symlink_to(corpus / "nowhere.eml")
    summary = run_import(str(corpus))
    assert summary["messages"] == 8
    assert summary["skipped"] == 1
    assert summary["skipped_files"][0]["reason"] == "hidden"
    assert summary["error_count"] == 1
    assert summary["errors"][0]["path"].endswith("broken link.eml")


@pytest.mark.django_db
def test_over_the_size_limit_is_an_error_in_the_summary(corpus, settings):
    settings.TAPECUT_MAX_MESSAGE_BYTES = 450
    summary = run_import(str(corpus))
    too_big = [e for e in summary["errors"] if "TAPECUT_MAX_MESSAGE_BYTES" in e["error"]]
    assert len(too_big) == summary["error_count"] >= 3
    assert summary["messages"] == 8 - len(too_big)


@pytest.mark.django_db
def test_rejected_and_failing_messages_are_quarantined_with_a_reason(corpus, monkeypatch):
    real_parse = processing.parse_message_tree

    def picky(raw: bytes):
        if b"toner" in raw:
            raise MessageRejected("no readable body")
        if b"travel requests" in raw:
            raise RuntimeError("parser bug")
        return real_parse(raw)

    monkeypatch.setattr(processing, "parse_message_tree", picky)
    monkeypatch.setattr(parse_ahead, "parse_message_tree", picky)  # the import's own parse
    summary = run_import(str(corpus))
    assert summary["quarantined"] == 2
    assert outcomes(summary) == summary["new"] == 7
    reasons = set(
        InboundMessage.objects.filter(state="quarantined").values_list("reason", flat=True)
    )
    assert reasons == {
        "no readable body",
        "The parser failed on this message: RuntimeError('parser bug')",
    }


@pytest.mark.django_db
def test_a_processing_bug_quarantines_one_message_and_the_import_goes_on(corpus, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("report building broke")

    monkeypatch.setattr(processing, "build_report", broken)
    summary = run_import(str(corpus))
    assert summary["quarantined"] == 6  # every report and the reply; the auto-reply needs none
    assert summary["non_reports"] == 1
    msg = InboundMessage.objects.filter(state="quarantined").first()
    assert msg is not None and "report building broke" in msg.reason
    assert Report.objects.count() == 0  # the half-made report was rolled back


@pytest.mark.django_db
def test_protected_mode_encrypts_bytes_and_envelope(corpus):
    summary = run_import(str(corpus / "duplicate.eml"), "--mode", "anonymous", "--demo")
    assert summary["reports"] == 1
    msg = InboundMessage.objects.get()
    assert msg.encrypted and msg.mode == "anonymous"
    assert "alice" not in msg.envelope_extra["mbox_from"]
    assert b"Alice" not in msg.stored_bytes()
    assert Report.objects.get().is_demo


@pytest.mark.django_db
def test_format_option_and_human_summary(corpus):
    out = StringIO()
    call_command("import", str(corpus / "archive.mbox"), "--format", "eml", stdout=out)
    text = out.getvalue()
    assert "Read 1 messages from 1 files" in text
    assert "already stored: 0" in text
    msg = InboundMessage.objects.get()
    assert msg.envelope_extra["format"] == "eml"


def import_command_module():
    return import_run


def failing_on_third(exc: BaseException, real):
    calls = []

    def store(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise exc
        return real(*args, **kwargs)

    return store


@pytest.mark.django_db
def test_a_full_store_stops_the_import_and_keeps_what_was_committed(corpus, monkeypatch):
    command = import_command_module()
    monkeypatch.setattr(command, "BATCH_MESSAGES", 1)  # commit after every message
    store = failing_on_third(StoreFull(28, "message store is full"), command.store_many)
    monkeypatch.setattr(command, "store_many", store)
    out = StringIO()
    with pytest.raises(CommandError, match="Run the import again to go on"):
        call_command("import", str(corpus), "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["messages"] == 2 == InboundMessage.objects.count()
    assert "message store is full" in summary["errors"][0]["error"]
    assert "stopped" in summary


@pytest.mark.django_db
def test_ctrl_c_reports_what_was_imported(corpus, monkeypatch):
    command = import_command_module()
    monkeypatch.setattr(command, "BATCH_MESSAGES", 1)
    monkeypatch.setattr(
        command, "store_many", failing_on_third(KeyboardInterrupt(), command.store_many)
    )
    out = StringIO()
    with pytest.raises(CommandError, match="interrupted"):
        call_command("import", str(corpus), stdout=out)
    assert "Read 2 messages" in out.getvalue()
    assert InboundMessage.objects.count() == 2


def test_a_missing_path_is_a_clear_error_before_anything_is_imported(tmp_path):
    with pytest.raises(CommandError, match=r"no such file or folder: .*nothing\.eml"):
        call_command("import", str(tmp_path / "nothing.eml"))
