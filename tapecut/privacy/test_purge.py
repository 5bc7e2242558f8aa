"""Retention: ``tapecut purge`` deletes raw mail, identities and threads of expired reports from
the database (rows, file and write-ahead log on SQLite) and the store; insights counts stay."""

from __future__ import annotations

import io
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tapecut.core import jobs
from tapecut.core.models import AuditEvent
from tapecut.core.schedule import active_tasks
from tapecut.insights import metrics
from tapecut.insights.selection import parse_filters, select
from tapecut.intake.models import InboundMessage, Report, Reporter
from tapecut.intake.storing import do_store_inbound
from tapecut.privacy.compact import compact
from tapecut.triage import actions
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db(transaction=True)

EXPIRED = ("zq9closed@leak.example", "Quillmarker", "zq9idle@leak.example", "Rexmarker")
REPLY = "Replymarker: it happened again on Tuesday"
KEPT = "zq9recent@kept.example"


def mail(sender: str, name: str, subject: str, *, to: str = "bureaucracy@corp.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@{sender.split('@')[1]}>"
    msg.set_content(f"{subject}: the form needs three signatures.\n\n-- \n{name}\n{sender}\n")
    # Large enough for the store, not the database row.
    msg.add_attachment((f"{name} {sender}\n" * 4000).encode(), "text", "plain", filename="a.txt")
    return msg.as_bytes()


def arrive(raw: bytes, *, days_ago: int, mode: str = "named", to: str = "") -> Report:
    msg, _new = do_store_inbound(raw, channel="smtp", mode=mode, envelope_to=[to])
    jobs.run_pending(kinds=["intake.parse"])
    report = Report.objects.get(inbound=msg)
    then = timezone.now() - timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(received_at=then)
    InboundMessage.objects.filter(pk=msg.pk).update(received_at=then)
    return report


def counts() -> tuple[Any, ...]:
    sel = select(parse_filters({}))
    return (
        metrics.funnel(sel),
        metrics.breakdowns(sel),
        Report.objects.count(),
        Reporter.objects.count(),
        InboundMessage.objects.count(),
    )


def logical_dump() -> str:
    """Every row of every table, as a dump would have it (both databases)."""
    out = io.StringIO()
    for model in apps.get_models():
        serializers.serialize("json", model._default_manager.all(), stream=out)
    return out.getvalue()


def database_files() -> bytes:
    name = Path(connection.settings_dict["NAME"])
    wal = name.with_name(name.name + "-wal")
    return name.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def store_files() -> bytes:
    root = Path(settings.TAPECUT_STORE_DIR)
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def reports() -> dict[str, Report]:
    closed = arrive(mail(EXPIRED[0], EXPIRED[1], "Travel form"), days_ago=200)
    change = Change.objects.create(title="One signature", status=Change.Status.DONE)
    Change.objects.filter(pk=change.pk).update(done_at=timezone.now() - timedelta(days=100))
    actions.do_link_change(change, actor=None, reports=[closed])
    reply = EmailMessage()
    reply["From"] = f"{EXPIRED[1]} <{EXPIRED[0]}>"
    reply["To"] = "bureaucracy@corp.example"
    reply["Subject"] = "Re: Travel form"
    reply["Message-ID"] = "<reply-1@leak.example>"
    reply["In-Reply-To"] = "<Travel-form@leak.example>"
    reply.set_content(REPLY)
    do_store_inbound(reply.as_bytes(), channel="smtp", envelope_to=["bureaucracy@corp.example"])
    jobs.run_pending(kinds=["intake.parse"])
    assert closed.followups.get().text.startswith("Replymarker")
    idle = arrive(
        mail(EXPIRED[2], EXPIRED[3], "Printer queue"),
        days_ago=400,
        mode="anonymous",
        to="anonymous@corp.example",
    )
    recent = arrive(mail(KEPT, "Keptname", "Coffee form"), days_ago=10)
    open_change = Change.objects.create(title="Later", status=Change.Status.IN_PROGRESS)
    old_but_open = arrive(mail("zq9open@kept.example", "Openname", "Desk form"), days_ago=500)
    actions.do_link_change(open_change, actor=None, reports=[old_but_open])
    return {"closed": closed, "idle": idle, "recent": recent, "open": old_but_open}


def test_purge_deletes_expired_raw_mail_and_identities_everywhere(
    reports: dict[str, Report],
) -> None:
    expired = [reports["closed"], reports["idle"]]
    stored = {r.pk: InboundMessage.objects.get(report=r).stored_bytes() for r in expired}
    before = counts()
    compact()
    dump = logical_dump()
    assert all(marker in dump for marker in (*EXPIRED[:2], REPLY))  # named: plain text before
    if connection.vendor == "sqlite":
        assert EXPIRED[0].encode() in database_files()
    assert all(data[100:164] in store_files() for data in stored.values())

    dry = io.StringIO()
    call_command("purge", "--dry-run", stdout=dry)
    listed = dry.getvalue()
    assert f"report #{reports['closed'].pk}: its changes closed 100 days ago" in listed
    assert f"report #{reports['idle'].pk}: no change, last message 400 days ago" in listed
    assert f"#{reports['recent'].pk}:" not in listed and f"#{reports['open'].pk}:" not in listed
    assert "would delete: 2 reports" in listed
    assert logical_dump() == dump  # a dry run changes nothing

    call_command("purge", stdout=io.StringIO())

    dump = logical_dump()
    for marker in (*EXPIRED, REPLY):
        assert marker not in dump, marker
    assert KEPT in dump and "zq9open@kept.example" in dump
    if connection.vendor == "sqlite":
        files = database_files()
        for marker in (*EXPIRED, REPLY):
            assert marker.encode() not in files, marker
        for data in stored.values():  # the ciphertext of the anonymous message too
            assert data[100:164] not in files
    store = store_files()
    for marker in EXPIRED:
        assert marker.encode() not in store, marker
    for data in stored.values():
        assert data[100:164] not in store
    assert KEPT.encode() in store
    assert counts() == before
    purged = AuditEvent.objects.filter(verb="retention.purge").values_list("object_id", flat=True)
    assert sorted(purged) == sorted(str(r.pk) for r in expired)

    again = io.StringIO()
    call_command("purge", "--dry-run", stdout=again)
    assert "would delete: 0 reports, 0 other messages" in again.getvalue()
    vacuumed = io.StringIO()
    call_command("purge", "--vacuum", stdout=vacuumed)
    assert "vacuum" in vacuumed.getvalue().lower()
    assert AuditEvent.objects.filter(verb="retention.purge").count() == 2
    assert counts() == before


def test_purge_runs_from_the_scheduler() -> None:
    task = next(t for t in active_tasks() if t.name == "purge")
    assert task.argv == ("purge",) and task.every == settings.TAPECUT_SCHEDULE_PURGE_SECONDS


def test_pages_of_a_purged_report_say_so(reports: dict[str, Report], client: Any) -> None:
    from tapecut.triage.personas import make_user

    call_command("purge", stdout=io.StringIO())
    client.force_login(make_user("tina", "triager"))
    report = reports["closed"]
    page = client.get(f"/reports/{report.pk}/original/").content.decode()
    assert "deleted under the retention rules" in page
    assert client.get(f"/identity/messages/{report.inbound_id}/original.eml").status_code == 404
    assert client.get(f"/reports/{report.pk}/").status_code == 200
