"""Who a report is from, as each identity mode allows the team to see it.

Named reporters are stored in plain text. Pseudonymous and anonymous reporters are stored only
as ciphertext plus a keyed hash; the team sees an alias or nothing.
"""

from __future__ import annotations

import json

from tapecut.accounts import crypto
from tapecut.intake.models import Mode, Reporter
from tapecut.intake.parsing import ParsedMessage

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def alias_for(address_hmac: str) -> str:
    """A stable, readable alias such as "Reporter 4F2K" derived from the keyed hash."""
    n = int(address_hmac[:10], 16)
    code = "".join(_ALPHABET[(n >> (5 * i)) & 31] for i in range(4))
    return f"Reporter {code}"


def resolve_reporter(address: str, name: str, mode: str) -> Reporter | None:
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
        digest = crypto.keyed_hash(address)
        reporter, _ = Reporter.objects.get_or_create(
            address_hmac=digest,
            mode=Mode.PSEUDONYMOUS,
            defaults={"alias": alias_for(digest), "identity_ciphertext": secret},
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


def visible_text(parsed: ParsedMessage, mode: str) -> tuple[str, str]:
    """The reporter's text and the folded quoted part, as the team may see them."""
    if mode == Mode.NAMED:
        return parsed.text, parsed.quoted
    # The signature names the sender: protected modes drop it and scrub the text.
    return scrub_identity(parsed.text, parsed), scrub_identity(parsed.quoted, parsed)


def scrub_identity(text: str, parsed: ParsedMessage) -> str:
    out = text
    for token in _identity_tokens(parsed):
        out = _replace_ci(out, token, "[redacted]")
    return out


def _identity_tokens(parsed: ParsedMessage) -> list[str]:
    tokens = [parsed.from_address, parsed.reply_to]
    if parsed.from_address:
        tokens.append(parsed.from_address.split("@")[0])
    tokens += [p for p in parsed.from_name.replace(",", " ").split() if len(p) >= 3]
    if parsed.from_name.strip():
        tokens.insert(0, parsed.from_name.strip())
    return sorted({t for t in tokens if t}, key=len, reverse=True)


def _replace_ci(text: str, needle: str, repl: str) -> str:
    import re

    return re.sub(re.escape(needle), repl, text, flags=re.IGNORECASE)
