"""Redaction: a copy of the report with personal data replaced, for every model and summary.

Layers, each cheap: e-mail addresses (a regular expression), phone numbers (``phonenumbers``,
German and international formats), IBANs (shape, checked with ``python-stdnum``), and names
where they can be found: the sender's own name parts, the line after a closing formula
("Mit freundlichen Grüßen\\nMax Mustermann"), "Herr/Frau X", "Dear X", "Hallo X".
The redacted copy is all that any remote model, summary or theme label ever sees.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import phonenumbers
from stdnum import iban

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_NAME = r"[A-ZÄÖÜ][\w'’-]+(?:[ ]+(?:von|van|de|zu|der)?[ ]?[A-ZÄÖÜ][\w'’-]+){0,2}"
_TITLE = r"(?:(?:Dr|Prof|Dipl\.-Ing|Ing|Mag)\.?[ ]+)*"
ADDRESSED = re.compile(
    rf"\b(?P<lead>Herrn?|Frau|Fr\.|Hr\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Dear|Liebe[rs]?|Hallo|Hi|Hello|"
    rf"Guten[ ]Tag|Moin|Servus|Kollege|Kollegin|colleague)[ ]+{_TITLE}(?P<name>{_NAME})",
)
CLOSINGS = (
    r"mit freundlichen grüßen|mit freundlichen gruessen|freundliche grüße|freundliche gruesse|"
    r"viele grüße|viele gruesse|beste grüße|beste gruesse|liebe grüße|liebe gruesse|"
    r"herzliche grüße|herzliche gruesse|schöne grüße|gruß|gruss|grüße|gruesse|mfg|lg|vg|"
    r"best regards|kind regards|regards|best wishes|best|cheers|thanks|thank you|many thanks|"
    r"sincerely|yours sincerely|yours faithfully|danke|vielen dank|besten dank"
)
CLOSING = re.compile(rf"^[ \t]*(?:{CLOSINGS})[ \t]*[,.!]?[ \t]*(?P<rest>.*)$", re.I | re.M)
# A signature line: two or three capitalised words, maybe a title, nothing else.
SIGNATURE_NAME = re.compile(rf"^[ \t]*{_TITLE}(?P<name>{_NAME})[ \t]*[,.]?[ \t]*$")
PLACEHOLDERS = {"email": "[EMAIL]", "phone": "[PHONE]", "iban": "[IBAN]", "name": "[NAME]"}
# Capitalised words that follow "Hallo"/"Dear" but are no names.
NOT_NAMES = {
    "team", "all", "everyone", "zusammen", "allerseits", "damen", "herren", "kollegen",
    "kolleginnen", "sir", "madam", "colleagues", "support", "it", "hr", "leute", "liebe",
}  # fmt: skip
# Forms of address and titles before a name: dropped, the name after them is kept.
TITLES = {"frau", "herr", "herrn", "mr", "mrs", "ms", "dr", "prof", "fr", "hr", "miss"}


@dataclass(frozen=True)
class Redacted:
    text: str
    counts: dict[str, int] = field(default_factory=dict)


class Redactor(Protocol):
    def redact(self, text: str, names: Sequence[str] = ()) -> Redacted: ...


class NullRedactor:
    """Lets nothing through: with redaction switched off no text may reach a model."""

    def redact(self, text: str, names: Sequence[str] = ()) -> Redacted:
        return Redacted("", {})


class LayeredRedactor:
    def redact(self, text: str, names: Sequence[str] = ()) -> Redacted:
        return redact(text, names)


def redact(text: str, names: Sequence[str] = ()) -> Redacted:
    """Replace e-mail addresses, phone numbers, IBANs and names found in ``text``."""
    counts: Counter[str] = Counter()
    out = _sub(EMAIL, text, "email", counts)
    out = _ibans(out, counts)
    out = _phones(out, counts)
    out = _names(out, names, counts)
    return Redacted(out, dict(counts))


def _sub(pattern: re.Pattern[str], text: str, kind: str, counts: Counter[str]) -> str:
    out, n = pattern.subn(PLACEHOLDERS[kind], text)
    counts[kind] += n
    return out


def _ibans(text: str, counts: Counter[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        compact = m.group(0).replace(" ", "")
        # A valid checksum, or a German-looking one with a typo: both are account numbers.
        if iban.is_valid(compact) or (compact.startswith("DE") and len(compact) == 22):
            counts["iban"] += 1
            return PLACEHOLDERS["iban"]
        return m.group(0)

    return IBAN.sub(repl, text)


def _phones(text: str, counts: Counter[str]) -> str:
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, "DE", leniency=phonenumbers.Leniency.VALID)
    ]
    for start, end in reversed(spans):
        text = text[:start] + PLACEHOLDERS["phone"] + text[end:]
    counts["phone"] += len(spans)
    return text


def _names(text: str, names: Sequence[str], counts: Counter[str]) -> str:
    found = {n for n in names if len(n) >= 2}
    for m in ADDRESSED.finditer(text):
        found |= _name_parts(m.group("name"))
    found |= _signature_names(text)
    for name in sorted(found, key=len, reverse=True):
        pattern = r"(?<![\w@.-])" + re.escape(name) + r"(?![\w@-])"
        text, n = re.subn(pattern, PLACEHOLDERS["name"], text, flags=re.IGNORECASE)
        counts["name"] += n
    return text


def _name_parts(name: str) -> set[str]:
    parts = [p for p in re.split(r"[ ]+", name) if p.lower() not in {"von", "van", "de", "zu"}]
    parts = [p for p in parts if p.lower().rstrip(".") not in TITLES]
    if not parts or parts[0].lower() in NOT_NAMES:
        return set()
    return {p for p in parts if len(p) >= 2 and p.lower() not in NOT_NAMES}


def _signature_names(text: str) -> set[str]:
    """Names on the one or two lines after a closing formula, or after it on the same line."""
    found: set[str] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = CLOSING.match(line)
        if not m:
            continue
        candidates = [m.group("rest")] if m.group("rest").strip() else []
        candidates += [ln for ln in lines[i + 1 : i + 3] if ln.strip()][:1]
        for cand in candidates:
            sig = SIGNATURE_NAME.match(cand)
            if sig:
                found |= _name_parts(sig.group("name"))
    return found


def sender_names(display_name: str, address: str = "") -> list[str]:
    """The parts of a sender's name and address that name them ("max", "mustermann")."""
    parts = re.split(r"[\s,;()\"'<>]+", display_name or "")
    local = (address or "").split("@")[0]
    parts += re.split(r"[._+-]+", local) if "@" in (address or "") else []
    return [p for p in dict.fromkeys(parts) if len(p) >= 3]
