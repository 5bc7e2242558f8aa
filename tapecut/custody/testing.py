"""Helpers for tests of identity protection (imported by tests in accounts, intake and api)."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from tapecut.accounts.actions import do_grant_role
from tapecut.core import jobs
from tapecut.intake.models import InboundMessage
from tapecut.intake.processing import do_process_inbound
from tapecut.intake.storing import do_store_inbound


@dataclass(frozen=True)
class Marker:
    """A sender nobody else uses, so that finding any part of it anywhere is a leak."""

    address: str = "leak-marker-7f3a@leakdomain7f3a.example.org"
    name: str = "Quentin Leakmarker"
    phone: str = "+49 30 98765432"
    host: str = "mx7f3a.leakhost.example.org"
    ip: str = "192.0.2.77"

    @classmethod
    def unique(cls) -> Marker:
        tag = secrets.token_hex(3)
        return cls(
            address=f"leak-marker-{tag}@leakdomain{tag}.example.org",
            name=f"Quentin Leakmarker{tag}",
            phone=f"+49 30 {secrets.randbelow(10**7) + 10**7}",
            host=f"mx.leakhost{tag}.example.org",
            ip=f"198.51.100.{secrets.randbelow(150) + 100}",
        )

    def needles(self) -> list[bytes]:
        """Byte strings that must never be found in plain text (compared lower-cased)."""
        local, _, domain = self.address.partition("@")
        surname = self.name.split()[-1]
        return [
            n.lower().encode()
            for n in (
                self.address,
                local,
                domain,
                self.name,
                surname,
                self.host,
                self.phone[-8:],
                self.ip,
            )
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
    authenticated: bool = True,
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
    msg["Received"] = f"from {marker.host} ([{marker.ip}]) by mx.corp.example; Mon, 1 Jan 2026"
    msg["X-Originating-IP"] = f"[{marker.ip}]"
    if authenticated:
        domain = marker.address.rpartition("@")[2]
        msg["Authentication-Results"] = (
            f"mx.corp.example; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={domain}"
        )
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


class _Refuser:
    """aiosmtpd hooks of a mail server that knows no recipient and says so with the address."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@contextmanager
def refusing_smtp() -> Iterator[dict[str, Any]]:
    """A real SMTP server on a free local port that answers 550 to every recipient.

    Yields the settings that point Django's SMTP backend at it (for ``override_settings``).
    """
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Refuser(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_TIMEOUT": 10,
        }
    finally:
        controller.stop()


def database_bytes(skip_tables: tuple[str, ...] = ()) -> bytes:
    """The raw database file (after a checkpoint) and whatever is left in its WAL.

    Pages that belong to ``skip_tables`` (and their indexes) are left out; free pages and every
    other table's pages are searched as they lie on disk, deleted rows included.
    """
    if connection.vendor != "sqlite":
        return logical_dump(skip_tables)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert cursor.fetchone()[0] == 0, "the checkpoint could not complete"
        cursor.execute("PRAGMA page_size")
        page_size = int(cursor.fetchone()[0])
        marks = ",".join("%s" for _ in skip_tables) or "''"
        query = (
            "SELECT pageno FROM dbstat WHERE name IN "  # noqa: S608
            f"(SELECT name FROM sqlite_master WHERE tbl_name IN ({marks}))"
        )
        cursor.execute(query, list(skip_tables))
        skipped = {int(row[0]) for row in cursor.fetchall()}
    name = Path(connection.settings_dict["NAME"])
    data = name.read_bytes()
    pages = [
        data[i * page_size : (i + 1) * page_size]
        for i in range(len(data) // page_size)
        if i + 1 not in skipped
    ]
    others = [name.with_name(name.name + "-wal"), name.with_name(name.name + "-journal")]
    return b"".join(pages) + b"".join(p.read_bytes() for p in others if p.exists())


def logical_dump(skip_tables: tuple[str, ...]) -> bytes:
    """Every value of every row of every table (PostgreSQL: no file format to read raw)."""
    from django.apps import apps

    chunks: list[bytes] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in skip_tables:
            continue
        for row in model._default_manager.values_list():
            for value in row:
                if isinstance(value, (bytes, memoryview)):
                    chunks.append(bytes(value))
                elif value is not None:
                    chunks.append(str(value).encode())
    return b"\n".join(chunks)


def store_bytes() -> bytes:
    root = Path(settings.TAPECUT_STORE_DIR)
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())
