"""Fetching reports from an IMAP mailbox (Microsoft 365, Google, Dovecot …) with imap-tools.

Each message is stored raw first (``do_store_inbound``, channel "imap") and only then moved to
``TAPECUT_IMAP_MOVE_TO`` or marked \\Seen and \\Flagged on the server. A crash between the two
means the message is fetched again next time, never lost; storing is idempotent because intake
deduplicates by the bytes. Without ``TAPECUT_IMAP_MOVE_TO`` the poller takes every message in the
folder that is not \\Flagged, so people should not flag messages there by hand.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools.mailbox import BaseMailBox

from tapecut.envconf import env_str
from tapecut.intake.addresses import normalise
from tapecut.intake.models import Channel
from tapecut.intake.storing import do_store_inbound

log = logging.getLogger(__name__)

_UID = re.compile(rb"UID (\d+)")
# Headers in which a delivering server says to which of our addresses a message was sent.
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


class ImapNotConfigured(Exception):
    """TAPECUT_IMAP_HOST or the credentials are missing."""


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    done_uids: list[str] = field(default_factory=list)


def oauth2_token() -> str:
    # Read again at every connection: a helper refreshes the token file before it expires.
    return env_str("TAPECUT_IMAP_OAUTH2_TOKEN", settings.TAPECUT_IMAP_OAUTH2_TOKEN)


def connect() -> BaseMailBox:
    """An open, logged-in mailbox on TAPECUT_IMAP_FOLDER."""
    host, user = settings.TAPECUT_IMAP_HOST, settings.TAPECUT_IMAP_USER
    if not host or not user:
        raise ImapNotConfigured(
            "Set TAPECUT_IMAP_HOST and TAPECUT_IMAP_USER (docs/configuration.md)."
        )
    timeout = settings.TAPECUT_IMAP_TIMEOUT_SECONDS
    port = settings.TAPECUT_IMAP_PORT
    box: BaseMailBox
    if settings.TAPECUT_IMAP_SSL:
        box = MailBox(host, port or 993, timeout=timeout)
    elif settings.TAPECUT_IMAP_STARTTLS:
        box = MailBoxStartTls(host, port or 143, timeout=timeout)
    else:
        box = MailBoxUnencrypted(host, port or 143, timeout=timeout)
    token = oauth2_token()
    folder = settings.TAPECUT_IMAP_FOLDER
    if token:
        return box.xoauth2(user, token, initial_folder=folder)
    if not settings.TAPECUT_IMAP_PASSWORD:
        raise ImapNotConfigured(
            "Set TAPECUT_IMAP_PASSWORD or TAPECUT_IMAP_OAUTH2_TOKEN (docs/configuration.md)."
        )
    return box.login(user, settings.TAPECUT_IMAP_PASSWORD, initial_folder=folder)


def poll_once(box: BaseMailBox | None = None) -> PollResult:
    """Store every waiting message, then mark or move it. Returns what happened."""
    if box is None:
        with connect() as opened:
            return poll_once(opened)
    move_to = settings.TAPECUT_IMAP_MOVE_TO
    if move_to and not box.folder.exists(move_to):
        box.folder.create(move_to)
    result = PollResult()
    criteria = AND(all=True) if move_to else AND(flagged=False)
    uids = [u for u in box.uids(criteria) if u]
    for start in range(0, len(uids), max(1, settings.TAPECUT_IMAP_BATCH)):
        batch = uids[start : start + settings.TAPECUT_IMAP_BATCH]
        stored = [uid for uid, raw in fetch_raw(box, batch) if _store(uid, raw, result)]
        # Only what is committed in our database is marked or moved on the server.
        mark_done(box, stored)
        result.done_uids += stored
    return result


def fetch_raw(box: BaseMailBox, uids: list[str]) -> Iterator[tuple[str, bytes]]:
    """The exact bytes of each message (BODY.PEEK: fetching does not set \\Seen)."""
    if not uids:
        return
    status, data = box.client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        raise OSError(f"IMAP FETCH failed: {status} {data!r}"[:500])
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            match = _UID.search(item[0])
            if match:
                yield match.group(1).decode(), bytes(item[1])


def _store(uid: str, raw: bytes, result: PollResult) -> bool:
    result.fetched += 1
    if len(raw) > settings.TAPECUT_MAX_MESSAGE_BYTES:
        # Left on the server, unmarked, for a person to deal with; nothing is lost.
        log.warning(
            "IMAP message uid %s is %d bytes, over the limit; left on the server", uid, len(raw)
        )
        result.skipped += 1
        return False
    envelope_from, recipients = envelope_of(raw)
    _msg, new = do_store_inbound(
        raw,
        channel=Channel.IMAP,
        envelope_from=envelope_from,
        envelope_to=recipients,
        mode=settings.TAPECUT_IMAP_MODE or None,
        extra={"imap_folder": settings.TAPECUT_IMAP_FOLDER, "imap_uid": uid},
    )
    if new:
        result.stored += 1
    else:
        result.duplicates += 1
    return True


def envelope_of(raw: bytes) -> tuple[str, list[str]]:
    """The return path and which of our own addresses the message was for.

    Other recipients (colleagues in Cc) are not kept: they are none of our business, and for
    protected mail they could point at the sender.
    """
    headers = message_from_bytes(raw, policy=policy.compat32)
    ours = {*settings.TAPECUT_RECIPIENTS, *settings.TAPECUT_ANONYMOUS_RECIPIENTS}
    fields: list[str] = []
    for name in _RECIPIENT_HEADERS:
        fields += [str(v) for v in headers.get_all(name, []) or []]
    found = [normalise(addr) for _name, addr in getaddresses(fields)]
    recipients = list(dict.fromkeys(a for a in found if a in ours))
    return_path = normalise(str(headers.get("Return-Path", "") or ""))
    return return_path, recipients


def mark_done(box: BaseMailBox, uids: list[str]) -> None:
    if not uids:
        return
    if settings.TAPECUT_IMAP_MOVE_TO:
        box.move(uids, settings.TAPECUT_IMAP_MOVE_TO)
    else:
        box.flag(uids, (MailMessageFlags.SEEN, MailMessageFlags.FLAGGED), True)


def describe(result: PollResult) -> dict[str, Any]:
    return {
        "fetched": result.fetched,
        "stored": result.stored,
        "duplicates": result.duplicates,
        "skipped": result.skipped,
    }
