"""Who a report is from, as each identity mode allows the team to see it.

Named reporters are stored in plain text. Pseudonymous and anonymous reporters are stored only
as ciphertext plus a keyed hash; the team sees an alias or nothing. For protected modes the rest
of what is stored is prepared here too: message-ids become keyed hashes (their host part often
names the sender's organisation or machine), and subjects, forwarded parts and attachment names
are scrubbed of the sender's name and address. docs/threat-model.md explains the choices.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets

import phonenumbers

from tapecut.core import crypto
from tapecut.intake.models import Mode, Reporter
from tapecut.intake.parsing import ForwardedPart, ParsedMessage

# Senders in this domain are placeholders (web form, API): nobody to remember or to write to.
# ".invalid" is reserved (RFC 2606) and never delivers.
PLACEHOLDER_DOMAIN = "reporter.invalid"
ANONYMOUS_SENDER = f"anonymous@{PLACEHOLDER_DOMAIN}"
REDACTED = "[redacted]"
PHONE_REMOVED = "[phone removed]"
_PHONE_REGIONS = ("DE", "US")
# Prefix of a keyed message-id hash, so that it can never equal a real "<…@…>" id.
HASHED_ID_PREFIX = "h:"

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# Where a login vouches for the sender (the form, the API as the token's own user).
WEB_CHANNELS = frozenset({"form", "api"})


def new_alias() -> str:
    """A readable alias such as "Reporter 4F2K", drawn at random: nothing computes it from an
    address, so seeing it says nothing about who it is."""
    for _ in range(8):
        alias = "Reporter " + "".join(secrets.choice(_ALPHABET) for _ in range(4))
        if not Reporter.objects.filter(alias=alias).exists():
            break
    return alias


def reporter_key(address: str, channel: str) -> str:
    """The keyed hash that finds a pseudonymous reporter again, per door: the web (form, API)
    and mail each have their own, so one person has one alias per door and a mail with a
    forged From cannot join the alias someone has on the web (or the other way round)."""
    if channel in WEB_CHANNELS:
        return crypto.keyed_hash("reporter:web:" + address.lower())
    return crypto.keyed_hash(address)  # mail: as before, so that existing aliases stay


def resolve_reporter(address: str, name: str, mode: str, channel: str = "smtp") -> Reporter | None:
    if address.endswith("@" + PLACEHOLDER_DOMAIN):
        address = ""
    if not address and not name:
        return None
    if mode == Mode.NAMED:
        digest = crypto.keyed_hash(address) if address else ""
        if digest:
            reporter, _ = Reporter.objects.get_or_create(
                address_hmac=digest,
                mode=Mode.NAMED,
                defaults={"address": address, "display_name": name[:200]},
            )
            if name and not reporter.display_name:
                Reporter.objects.filter(pk=reporter.pk).update(display_name=name[:200])
            return reporter
        return Reporter.objects.create(display_name=name[:200], mode=Mode.NAMED)
    secret = crypto.encrypt(json.dumps({"address": address, "name": name}).encode())
    if mode == Mode.PSEUDONYMOUS and address:
        digest = reporter_key(address, channel)
        found = Reporter.objects.filter(address_hmac=digest, mode=Mode.PSEUDONYMOUS).first()
        if found is not None:
            return found
        reporter, _ = Reporter.objects.get_or_create(
            address_hmac=digest,
            mode=Mode.PSEUDONYMOUS,
            defaults={"alias": new_alias(), "identity_ciphertext": secret},
        )
        return reporter
    # Anonymous: one reporter per report, not linkable to the next one.
    return Reporter.objects.create(mode=Mode.ANONYMOUS, identity_ciphertext=secret)


def reveal(reporter: Reporter) -> dict[str, str]:
    """Decrypt a protected identity. Callers must check the custodian role and audit it."""
    if reporter.mode == Mode.NAMED:
        return {"address": reporter.address, "name": reporter.display_name}
    if not reporter.identity_ciphertext:
        return {"address": "", "name": ""}
    data: dict[str, str] = json.loads(crypto.decrypt(bytes(reporter.identity_ciphertext)))
    return data


def mail_address(reporter: Reporter | None) -> str:
    """Where to write to a reporter: decrypted here, used once and never stored; empty for web
    form and API reporters without an address (their placeholder never delivers)."""
    if reporter is None:
        return ""
    address = reveal(reporter)["address"]
    return "" if address.endswith("@" + PLACEHOLDER_DOMAIN) else address


def visible_text(parsed: ParsedMessage, mode: str) -> tuple[str, str]:
    """The reporter's text and the folded quoted part, as the team may see them."""
    if mode == Mode.NAMED:
        return parsed.text, parsed.quoted
    # The signature names the sender: protected modes drop it and scrub the text.
    return scrub_identity(parsed.text, parsed), scrub_identity(parsed.quoted, parsed)


def is_protected(mode: str) -> bool:
    return mode != Mode.NAMED


def scrub_identity(text: str, parsed: ParsedMessage) -> str:
    return scrub_tokens(text, _identity_tokens(parsed))


def scrub_tokens(text: str, tokens: list[str]) -> str:
    """Protected text as it may be stored and shown: without the sender's names and addresses
    and without phone numbers, everywhere (page, API, exports, search, the made-safe copy)."""
    out = text
    for token in tokens:
        out = _replace_ci(out, token, REDACTED)
    return remove_phone_numbers(out)


def remove_phone_numbers(text: str) -> str:
    """Phone numbers (German and international formats) become ``[phone removed]``."""
    if not text or sum(c.isdigit() for c in text) < 6:
        return text  # no number to find: skip the matcher, which is not cheap
    spans: set[tuple[int, int]] = set()
    for region in _PHONE_REGIONS:
        spans |= {(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)}
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + PHONE_REMOVED + text[end:]
    return text


def _identity_tokens(parsed: ParsedMessage) -> list[str]:
    return identity_tokens(parsed.from_address, parsed.from_name, parsed.reply_to)


def identity_tokens(address: str, name: str, *more_addresses: str) -> list[str]:
    """What names the sender: addresses, their local parts, the name and its parts."""
    tokens: list[str] = []
    for addr in (address, *more_addresses):
        if addr and not addr.endswith("@" + PLACEHOLDER_DOMAIN):
            tokens += [addr, addr.split("@")[0]]
    tokens += [p for p in re.split(r"[\s,;()\"']+", name) if len(p) >= 3]
    if name.strip():
        tokens.append(name.strip())
    return sorted({t for t in tokens if t}, key=len, reverse=True)


def _replace_ci(text: str, needle: str, repl: str) -> str:
    # Whole words only, so that "Max" does not eat the start of "Maximum".
    pattern = r"(?<![\w.@-])" + re.escape(needle) + r"(?![\w@-]|\.\w)"
    return re.sub(pattern, repl, text, flags=re.IGNORECASE)


def protect_message_id(message_id: str, mode: str) -> str:
    """What is stored of a message-id: itself for named mail, else a keyed hash."""
    if not message_id or not is_protected(mode) or message_id.startswith(HASHED_ID_PREFIX):
        return message_id
    return HASHED_ID_PREFIX + crypto.keyed_hash("message-id:" + message_id)


def thread_keys(message_ids: list[str] | tuple[str, ...]) -> list[str]:
    """Every form under which a referenced message may have been stored (plain and hashed)."""
    keys = [m for m in message_ids if m]
    return keys + [protect_message_id(m, Mode.ANONYMOUS) for m in keys]


def stored_thread_subject(thread_subject: str, mode: str) -> str:
    """The subject key for threading; for protected mail a keyed hash (the team never sees it)."""
    if not thread_subject or not is_protected(mode):
        return thread_subject
    return HASHED_ID_PREFIX + crypto.keyed_hash("subject:" + thread_subject)


def for_storage(parsed: ParsedMessage, mode: str) -> ParsedMessage:
    """The parsed message as protected modes may store it: ids hashed, names scrubbed.

    The sender's own address and name stay (``resolve_reporter`` encrypts them); everything
    else that is written to a plain column comes from the result.
    """
    if not is_protected(mode):
        return parsed
    tokens = _identity_tokens(parsed)
    return dataclasses.replace(
        parsed,
        message_id=protect_message_id(parsed.message_id, mode),
        in_reply_to=protect_message_id(parsed.in_reply_to, mode),
        references=tuple(protect_message_id(r, mode) for r in parsed.references),
        subject=scrub_tokens(parsed.subject, tokens),
        thread_subject=stored_thread_subject(parsed.thread_subject, mode),
        text=scrub_tokens(parsed.text, tokens),
        quoted=scrub_tokens(parsed.quoted, tokens),
        signature="",
        body=scrub_tokens(parsed.body, tokens),
        reply_to="",
        to=(),
        cc=(),
        language=None,  # guessed again on the text as it is stored
        forwarded=tuple(_scrub_forwarded(f, tokens) for f in parsed.forwarded),
        attachments=tuple(
            dataclasses.replace(a, filename=scrub_filename(a.filename, tokens))
            for a in parsed.attachments
        ),
    )


def _scrub_forwarded(part: ForwardedPart, tokens: list[str]) -> ForwardedPart:
    return ForwardedPart(
        sender=scrub_tokens(part.sender, tokens),
        date=part.date,
        subject=scrub_tokens(part.subject, tokens),
        text=scrub_tokens(part.text, tokens),
    )


def scrub_filename(filename: str, tokens: list[str]) -> str:
    """ "CV_Alex_Doe.pdf" → "CV_[redacted].pdf": in names, any separator may join the parts."""
    out = filename
    for token in tokens:
        loose = r"[\s._-]+".join(re.escape(p) for p in token.split())
        out = re.sub(loose, REDACTED, out, flags=re.IGNORECASE)
    return out
