"""Helpers for tests of identity protection (imported by tests in accounts, intake and api)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from tapecut.accounts.actions import do_grant_role
from tapecut.core import jobs
from tapecut.intake.models import InboundMessage
from tapecut.intake.processing import do_process_inbound
from tapecut.intake.storing import do_store_inbound


@dataclass(frozen=True)
class Marker:
    """A sender nobody else uses, so that finding any part of it anywhere is a leak."""

    address: str = "leak-marker-7f3a@example.org"
    name: str = "Quentin Leakmarker"
    phone: str = "+49 30 98765432"
    host: str = "mx7f3a.leakhost.example.org"

    @classmethod
    def unique(cls) -> Marker:
        tag = secrets.token_hex(3)
        return cls(
            address=f"leak-marker-{tag}@example.org",
            name=f"Quentin Leakmarker{tag}",
            phone=f"+49 30 {secrets.randbelow(10**7) + 10**7}",
            host=f"mx.leakhost{tag}.example.org",
        )

    def needles(self) -> list[bytes]:
        """Byte strings that must never be found in plain text (compared lower-cased)."""
        local = self.address.split("@")[0]
        surname = self.name.split()[-1]
        return [
            n.lower().encode()
            for n in (self.address, local, self.name, surname, self.host, self.phone[-8:])
        ]


MARKER = Marker()
MARKER_ADDRESS = MARKER.address
MARKER_NAME = MARKER.name


def leaks_in(blob: bytes | str, marker: Marker = MARKER) -> list[str]:
    data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
    low = data.lower()
    return [n.decode() for n in marker.needles() if n in low]


def signature(marker: Marker = MARKER) -> str:
    return f"-- \n{marker.name}\n{marker.address}\nPhone {marker.phone}\n"


def marker_mail(
    *,
    to: str,
    subject: str = "Form 27b needs three stamps",
    extra_headers: dict[str, str] | None = None,
    in_reply_to: str = "",
    attachment_name: str = "",
    marker: Marker = MARKER,
) -> bytes:
    """A report carrying the marker in every place a mail client puts a sender's identity."""
    msg = EmailMessage()
    msg["From"] = f'"{marker.name}" <{marker.address}>'
    msg["Reply-To"] = marker.address
    msg["Sender"] = marker.address
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = make_msgid(domain=marker.host)
    msg["Received"] = f"from {marker.host} ([192.0.2.77]) by mx.corp.example; Mon, 1 Jan 2026"
    msg["X-Originating-IP"] = "[192.0.2.77]"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    msg.set_content(
        "Every quarter I fill in form 27b by hand; it needs three stamps from three offices.\n"
        f"{marker.name.split()[0]} here again: it takes me about two hours each time.\n\n"
        + signature(marker)
    )
    if attachment_name:
        msg.add_attachment(
            b"%PDF-1.4 test", maintype="application", subtype="pdf", filename=attachment_name
        )
    return msg.as_bytes()


def receive(
    raw: bytes,
    *,
    to: str,
    channel: str = "smtp",
    mode: str | None = None,
    envelope_from: str = MARKER.address,
) -> Any:
    """The SMTP path: store raw bytes, then process as the worker would."""
    msg, _new = do_store_inbound(
        raw,
        channel=channel,
        envelope_from=envelope_from,
        envelope_to=[to],
        mode=mode,
        enqueue=False,
    )
    return msg, do_process_inbound(InboundMessage.objects.get(pk=msg.pk))


def run_jobs() -> int:
    return jobs.run_pending()


def make_user(username: str, *roles: str, **fields: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username,
        password="a-long-test-password-1",  # noqa: S106 - test users only
        **fields,
    )
    for role in roles:
        do_grant_role(user, role)
    return user
