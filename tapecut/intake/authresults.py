"""Whether the receiving mail server vouched for a message's sender (RFC 8601), pure functions.

Anyone can write any ``From:``. Before Tapecut mails something that only the sender should get
(the receipt code of an anonymous report, the alias of a pseudonymous one), it asks whether our
own mail server checked the sender: an ``Authentication-Results`` field whose authserv-id is one
of ``TAPECUT_AUTHSERV_IDS`` and that says ``dmarc=pass``, or ``dkim=pass`` / ``spf=pass`` for
the ``From:`` domain (or its parent or child, relaxed alignment). Fields of other servers are
ignored: a sender can add any field they like, and the receiving server must remove ones that
claim its own id (RFC 8601 section 5, which Postfix, Exim, Rspamd and OpenDKIM do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32

_RESULT = re.compile(r"\b(dkim|spf|dmarc)\s*=\s*(\w+)([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom)\s*=\s*([^\s;]+)", re.I)
_HEADER_BYTES = 256 * 1024


def _aligned(domain: str, from_domain: str) -> bool:
    domain, from_domain = domain.lower().strip(".@"), from_domain.lower().strip(".")
    if "." not in domain or not from_domain:
        return False  # a bare top-level domain aligns with nothing
    return (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def _strip_comments(value: str) -> str:
    return re.sub(r"\([^()]*\)", " ", value)


def vouched(field: str, from_domain: str, trusted: Iterable[str]) -> bool:
    """One Authentication-Results field: from a trusted server, and a pass for the domain."""
    value = _strip_comments(" ".join(field.split()))
    authserv_id = value.split(";", 1)[0].strip().split()[0].lower() if value.strip() else ""
    if authserv_id not in {t.lower() for t in trusted}:
        return False
    for _method, result, rest in _RESULT.findall(value):
        if result.lower() != "pass":
            continue
        for _name, prop in _PROPERTY.findall(rest):
            if _aligned(prop.rpartition("@")[2], from_domain):
                return True
    return False


def sender_authenticated(raw: bytes, from_address: str, trusted: Iterable[str]) -> bool:
    """Whether a trusted receiving server vouched for the domain of ``from_address``."""
    trusted = list(trusted)
    from_domain = from_address.rpartition("@")[2]
    if not trusted or not from_domain:
        return False
    head = re.split(rb"\r?\n\r?\n", raw[:_HEADER_BYTES], maxsplit=1)[0]
    headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    fields = [str(v) for v in headers.get_all("Authentication-Results") or []]
    return any(vouched(f, from_domain, trusted) for f in fields)
