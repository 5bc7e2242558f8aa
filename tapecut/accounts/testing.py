"""Helpers for tests of identity protection (imported by tests in accounts, intake and api)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from tapecut.accounts.actions import do_grant_role
from tapecut.core import jobs
from tapecut.intake.actions import do_process_inbound, do_store_inbound
from tapecut.intake.models import InboundMessage

# A sender nobody else uses, so that finding it anywhere is a leak.
MARKER_ADDRESS = "leak-marker-7f3a@example.org"
MARKER_NAME = "Quentin Leakmarker"
MARKER_PHONE = "+49 30 98765432"
MARKER_HOST = "mx7f3a.leakhost.example.org"


def marker_needles() -> list[bytes]:
    """Byte strings that must never be found in plain text (lower-cased comparison)."""
    return [
        MARKER_ADDRESS.encode(),
        b"leak-marker-7f3a",
        b"leakmarker",
        MARKER_NAME.lower().encode(),
        b"leakhost",
        b"98765432",
    ]


def leaks_in(blob: bytes | str) -> list[str]:
    data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
    low = data.lower()
    return [n.decode() for n in marker_needles() if n in low]


def marker_mail(
    *,
    to: str,
    subject: str = "Form 27b needs three stamps",
    extra_headers: dict[str, str] | None = None,
    in_reply_to: str = "",
    attachment_name: str = "",
) -> bytes:
    """A report carrying the marker in every place a mail client puts a sender's identity."""
    msg = EmailMessage()
    msg["From"] = f'"{MARKER_NAME}" <{MARKER_ADDRESS}>'
    msg["Reply-To"] = MARKER_ADDRESS
    msg["Sender"] = MARKER_ADDRESS
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = make_msgid(domain=MARKER_HOST)
    msg["Received"] = f"from {MARKER_HOST} ([192.0.2.77]) by mx.corp.example; Mon, 1 Jan 2026"
    msg["X-Originating-IP"] = "[192.0.2.77]"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    msg.set_content(
        "Every quarter I fill in form 27b by hand; it needs three stamps from three offices.\n"
        f"Quentin here again: it takes me about two hours each time.\n\n"
        f"-- \n{MARKER_NAME}\n{MARKER_ADDRESS}\nPhone {MARKER_PHONE}\n"
    )
    if attachment_name:
        msg.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="pdf",
                           filename=attachment_name)
    return msg.as_bytes()


def receive(raw: bytes, *, to: str, channel: str = "smtp", mode: str | None = None) -> Any:
    """The SMTP path: store raw bytes, then process as the worker would."""
    msg, _new = do_store_inbound(
        raw, channel=channel, envelope_from=MARKER_ADDRESS, envelope_to=[to], mode=mode,
        enqueue=False,
    )
    return msg, do_process_inbound(InboundMessage.objects.get(pk=msg.pk))


def run_jobs() -> int:
    return jobs.run_pending()


def make_user(username: str, *roles: str, **fields: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password-1", **fields
    )
    for role in roles:
        do_grant_role(user, role)
    return user
