"""Quarantined mail is visible and workable: page, API, command, metrics; protected bytes stay
with the custodian."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.core import jobs
from tapecut.core.models import AuditEvent
from tapecut.intake import mime_body
from tapecut.intake.models import InboundMessage, Report
from tapecut.intake.storing import do_store_inbound

pytestmark = pytest.mark.django_db


def nested(sender: str, subject: str, depth: int = 60) -> bytes:
    """MIME parts nested deeper than the parser reads (it allows 50)."""
    head = f"From: Nested Sender <{sender}>\r\nTo: x@corp.example\r\nSubject: {subject}\r\n"
    body = "The travel form needs three signatures, call +49 171 5559876.\r\n"
    for level in range(depth):
        body = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'
            f"--b{level}\r\n{body}\r\n--b{level}--\r\n"
        )
    inner = "Content-Type: text/plain\r\n\r\n" + body if depth == 0 else body
    return (head + "MIME-Version: 1.0\r\n" + inner).encode()


@pytest.fixture
def held(personas: Any) -> dict[str, InboundMessage]:
    named, _ = do_store_inbound(nested("nina@corp.example", "Deep travel"), channel="smtp")
    protected, _ = do_store_inbound(
        nested("quill@corp.example", "Deep secret"), channel="smtp", mode="anonymous"
    )
    jobs.run_pending(kinds=["intake.parse"])
    for msg in (named, protected):
        msg.refresh_from_db()
        assert msg.state == InboundMessage.State.QUARANTINED, msg.reason
    return {"named": named, "protected": protected}


def test_admins_see_the_quarantine_and_metrics_count_it(
    held: dict[str, InboundMessage], client_as: Any
) -> None:
    admin = client_as("admin")
    page = admin.get("/quarantine/").content.decode()
    assert "nested" in page and "2 messages" in page
    assert f"/quarantine/{held['named'].pk}/raw/" in page
    assert f"/quarantine/{held['protected'].pk}/raw/" not in page  # protected: custodians only
    assert "quill@corp.example" not in page and "Nested Sender" not in page
    assert client_as("triager").get("/quarantine/").status_code == 403
    german = admin.get("/quarantine/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        "Quarantäne" in german and "2 Nachrichten" in german and "Als Meldung freigeben" in german
    )
    metrics = admin.get("/metrics").content.decode()
    assert "tapecut_inbound_quarantined 2" in metrics

    raw = admin.get(f"/quarantine/{held['named'].pk}/raw/")
    assert raw.status_code == 200 and b"Deep travel" in raw.content
    assert admin.get(f"/quarantine/{held['protected'].pk}/raw/").status_code == 403


def test_a_custodian_gets_protected_bytes_only_with_a_reason(
    held: dict[str, InboundMessage], client_as: Any
) -> None:
    custodian = client_as("custodian")
    url = f"/quarantine/{held['protected'].pk}/raw/"
    assert b"Say why" in custodian.get(url).content
    assert custodian.post(url, {"reason": "short"}).status_code == 302
    got = custodian.post(url, {"reason": "Reporter asked for their copy, ticket 9"})
    assert got.status_code == 200 and b"quill@corp.example" in got.content
    event = AuditEvent.objects.get(verb="inbound.download")
    assert event.detail["reason"].startswith("Reporter asked")


def test_release_makes_a_report_and_protected_text_is_scrubbed(
    held: dict[str, InboundMessage], client_as: Any
) -> None:
    admin = client_as("admin")
    for msg in held.values():
        admin.post(f"/quarantine/{msg.pk}/release/")
    named = Report.objects.get(inbound=held["named"])
    assert named.subject == "Deep travel" and "three signatures" in named.text
    assert named.reporter is not None and named.reporter.address == "nina@corp.example"
    protected = Report.objects.get(inbound=held["protected"])
    assert protected.mode == "anonymous" and "three signatures" in protected.text
    assert "5559876" not in protected.text
    assert AuditEvent.objects.filter(verb="inbound.release").count() == 2
    assert b"Nothing in quarantine" in admin.get("/quarantine/").content


def test_reparse_after_an_upgrade_and_delete_by_api_and_command(
    held: dict[str, InboundMessage], personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _token, raw = do_create_token(personas.admin)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = api.get("/api/v1/quarantine").json()
    assert {m["id"] for m in listed["items"]} == {m.pk for m in held.values()}
    assert "nested" in listed["items"][0]["reason"]

    gone = api.delete(f"/api/v1/quarantine/{held['protected'].pk}")
    assert gone.json() == {"outcome": "deleted", "report_id": None}
    assert not InboundMessage.objects.filter(pk=held["protected"].pk).exists()
    assert AuditEvent.objects.filter(verb="inbound.delete").count() == 1
    assert api.post(f"/api/v1/quarantine/{held['protected'].pk}/reparse").status_code == 404

    out = io.StringIO()
    call_command("quarantine", "list", stdout=out)
    assert out.getvalue().startswith("1 quarantined")
    monkeypatch.setattr(mime_body, "MAX_DEPTH", 100)  # the parser got better
    call_command("quarantine", "reparse", "--all", "--as", personas.admin.username, stdout=out)
    assert "1 report" in out.getvalue()
    assert Report.objects.get(inbound=held["named"]).subject == "Deep travel"
