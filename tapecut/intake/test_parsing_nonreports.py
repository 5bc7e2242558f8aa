"""Mail that is nobody's report is recognised, and reports that merely look like it are not."""

from __future__ import annotations

import base64
import gzip
from pathlib import Path

import pytest

from tapecut.intake.parsing import parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "eml"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("dsn_bounce_de.eml", "bounce (delivery status notification)"),
        ("bounce_plain.eml", "bounce (sent by mailer-daemon)"),
        ("autoreply_ooo_de.eml", "auto-reply (Auto-Submitted: auto-replied)"),
        ("autoreply_precedence.eml", "auto-reply (Precedence: bulk, out-of-office subject)"),
        ("arf_complaint.eml", "spam complaint (ARF feedback report)"),
        ("dmarc_aggregate.eml", "DMARC aggregate report"),
        ("tls_report.eml", "SMTP TLS report"),
        ("read_receipt.eml", "read receipt (disposition notification)"),
    ],
)
def test_non_report_fixtures(name: str, reason: str):
    msg = parse_message((FIXTURES / name).read_bytes())
    assert msg.non_report_reason == reason
    assert not msg.is_report


@pytest.mark.parametrize(
    "name",
    [
        "report_absence_form.eml",  # "Abwesenheit", "Out of Office" in a real complaint
        "report_forwarded_bounce.eml",  # a reporter forwarding a bounce ("WG: Unzustellbar")
        "mojibake_subject.eml",  # "Eingangsbestätigung" from a person, not a robot
        "outlook_reply_de.eml",
        "forward_gmail.eml",
        "html_only.eml",
        "rfc2231_filename.eml",
    ],
)
def test_reports_that_look_like_non_reports_stay_reports(name: str):
    msg = parse_message((FIXTURES / name).read_bytes())
    assert msg.non_report_reason == ""
    assert msg.is_report


def message(headers: str, body: str = "Text.") -> bytes:
    return f"{headers.strip()}\n\n{body}\n".encode()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (
            "From: a@example.org\nSubject: Urlaub\nX-Autoreply: yes",
            "auto-reply (X-Autoreply)",
        ),
        (
            "From: a@example.org\nSubject: Antrag\nAuto-Submitted: auto-generated",
            "automatic message (Auto-Submitted: auto-generated)",
        ),
        ("From: a@example.org\nSubject: Out of Office: Antrag", "auto-reply (subject)"),
        ("From: a@example.org\nSubject: Abwesenheitsnotiz: Antrag", "auto-reply (subject)"),
        (
            "From: a@example.org\nSubject: Precedence\nPrecedence: auto_reply",
            "auto-reply (Precedence: auto_reply)",
        ),
        (
            "From: Postmaster <postmaster@example.org>\nSubject: Undeliverable: Antrag",
            "bounce (sent by postmaster)",
        ),
        (
            "Return-Path: <>\nFrom: info@amt.example\nSubject: Ihre Eingangsbestätigung",
            "auto-reply (acknowledgement of receipt)",
        ),
        (
            "From: no_reply@amt.example\nSubject: Case 12 - Acknowledgement of receipt",
            "auto-reply (acknowledgement of receipt)",
        ),
        (
            "From: a@example.org\nSubject: Delivery Status Notification (Failure)",
            "bounce (subject)",
        ),
        ("From: a@example.org\nSubject: Lesebestätigung: Antrag", "read receipt (subject)"),
        (
            "From: a@example.org\nSubject: DMARC Failure Report for example.org",
            "DMARC failure report",
        ),
    ],
)
def test_non_report_rules(headers: str, reason: str):
    assert parse_message(message(headers)).non_report_reason == reason


@pytest.mark.parametrize(
    "headers",
    [
        "From: a@example.org\nSubject: Antrag\nX-Autoreply:",  # empty header: a person wrote it
        "From: a@example.org\nSubject: Antrag\nAuto-Submitted: no",
        "From: a@example.org\nSubject: Fwd: Out of Office: Antrag",
        "From: a@example.org\nSubject: WG: Automatische Antwort: Antrag",
        "From: Postmaster <postmaster@example.org>\nSubject: Your long links",
        "From: a@example.org\nSubject: Out of office approvals take three weeks",
        "From: a@example.org\nSubject: Urlaub\nPrecedence: bulk",  # a newsletter, maybe; not ooo
        "From: a@example.org\nSubject: Delivery notification of tax notices takes weeks",
    ],
)
def test_reports_are_not_caught_by_the_rules(headers: str):
    assert parse_message(message(headers)).non_report_reason == ""


def test_dmarc_report_found_by_its_compressed_xml_whatever_the_subject():
    xml = b'<?xml version="1.0"?><feedback><report_metadata/></feedback>'
    attachment = base64.b64encode(gzip.compress(xml, mtime=0)).decode()
    raw = message(
        "From: reports@example.org\nSubject: Weekly report\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nSee attachment.\n"
        "--b\nContent-Type: application/gzip\n"
        'Content-Disposition: attachment; filename="report.xml.gz"\n'
        f"Content-Transfer-Encoding: base64\n\n{attachment}\n--b--",
    )
    assert parse_message(raw).non_report_reason == "DMARC aggregate report"
