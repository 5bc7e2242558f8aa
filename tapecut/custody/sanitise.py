"""A copy of a protected message that the team may open: what it says, not who sent it.

The copy is rebuilt rather than edited, so that only what is known to be harmless survives (an
allow-list, not a block-list): no From, Sender, Reply-To, Return-Path, Received, DKIM or ARC
signatures, X-Originating-IP, client names, Autocrypt keys, tenant ids or any header we have not
thought of. Message-ids become keyed hashes (their host part often names the sender's machine or
organisation), the date is given in UTC (the sender's offset hints at where they are), the
signature block is cut, and the sender's names, addresses and phone numbers are removed from the
text and from file names. Attachments' contents are kept as they are (docs/threat-model.md).
"""

from __future__ import annotations

import re
from datetime import UTC
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from django.conf import settings

from tapecut.core import crypto
from tapecut.intake import identity
from tapecut.intake.models import InboundMessage
from tapecut.intake.parsing import ParsedMessage, parse_message
from tapecut.intake.storing import raw_bytes

PHONE = identity.PHONE_REMOVED
# Where the parser found no signature: the RFC 3676 delimiter still marks one.
_SIG_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)


def original_for_team(msg: InboundMessage) -> bytes:
    """The original bytes for named mail, the sanitised copy for protected mail."""
    if shows_raw(msg):
        return raw_bytes(msg)
    return sanitised_original(msg)


def shows_raw(msg: InboundMessage) -> bool:
    """Whether the team sees the bytes that arrived (``original_for_team``)."""
    return not msg.encrypted and msg.mode == "named"


def sanitised_original(msg: InboundMessage) -> bytes:
    raw = raw_bytes(msg)
    parsed = parse_message(raw)
    tokens = _tokens(raw, parsed, msg)
    out = EmailMessage(policy=policy.SMTP)
    out["Subject"] = identity.scrub_tokens(parsed.subject, tokens)
    if parsed.date is not None:
        out["Date"] = format_datetime(parsed.date.astimezone(UTC))
    ours = _our_recipients(parsed)
    if ours:
        out["To"] = ", ".join(ours)
    for name, value in (
        ("Message-ID", parsed.message_id),
        ("In-Reply-To", parsed.in_reply_to),
    ):
        if value:
            out[name] = _hashed_id(value)
    if parsed.references:
        out["References"] = " ".join(_hashed_id(r) for r in parsed.references)
    out["X-Tapecut-Sanitised"] = "sender, signature and identifying headers removed"
    out.set_content(scrub_text(_without_signature(parsed), tokens))
    for part in parsed.attachments:
        maintype, _slash, subtype = (part.declared_type or "application/octet-stream").partition(
            "/"
        )
        out.add_attachment(
            part.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=identity.scrub_filename(part.filename, tokens) or "attachment",
        )
    return out.as_bytes()


def scrub_text(text: str, tokens: list[str]) -> str:
    return remove_phone_numbers(identity.scrub_tokens(text, tokens))


def remove_phone_numbers(text: str) -> str:
    # One implementation for every protected text (tapecut.intake.identity).
    return identity.remove_phone_numbers(text)


def _without_signature(parsed: ParsedMessage) -> str:
    body = parsed.body or "\n\n".join(p for p in (parsed.text, parsed.quoted) if p)
    if parsed.signature and parsed.signature.strip() in body:
        body = body.replace(parsed.signature.strip(), "")
    match = _SIG_DELIMITER.search(body)
    return body[: match.start()].rstrip() + "\n" if match else body


def _tokens(raw: bytes, parsed: ParsedMessage, msg: InboundMessage) -> list[str]:
    """Every name and address of the sender the message carries, not only From."""
    headers = message_from_bytes(raw, policy=policy.compat32)
    fields = [
        str(v)
        for name in ("From", "Sender", "Reply-To", "Return-Path", "Resent-From")
        for v in headers.get_all(name, []) or []
    ]
    addresses = [addr for _name, addr in getaddresses(fields) if addr]
    names = [name for name, _addr in getaddresses(fields) if name]
    sealed = msg.envelope_extra.get("sender_ciphertext")
    if sealed:
        addresses.append(crypto.decrypt_text(sealed))
    tokens = identity.identity_tokens(parsed.from_address, parsed.from_name, *addresses)
    for name in names:
        tokens += identity.identity_tokens("", name)
    return sorted(set(tokens), key=len, reverse=True)


def _our_recipients(parsed: ParsedMessage) -> list[str]:
    ours = {*settings.TAPECUT_RECIPIENTS, *settings.TAPECUT_ANONYMOUS_RECIPIENTS}
    return [a for a in parsed.to if a.lower() in ours]


def _hashed_id(message_id: str) -> str:
    return f"<{crypto.keyed_hash('message-id:' + message_id)[:32]}@sanitised.invalid>"
