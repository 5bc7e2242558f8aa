"""Mail that is nobody's report: bounces, auto-replies, complaints, DMARC/TLS reports, receipts.

Pure functions. Structure (multipart/report and its report-type) and the headers made for the
purpose (Auto-Submitted, X-Autoreply) are trusted first; sender and subject rules come last and
only for subjects without a reply or forward prefix, because a reporter who forwards a bounce
("WG: Unzustellbar: …") or an out-of-office note is showing us red tape.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from email.message import Message

from tapecut.intake.mime_body import Attachment, content_type
from tapecut.intake.mime_headers import first, subject_kind

_BOUNCE_SENDERS = {"mailer-daemon", "mailerdaemon", "mail-daemon"}
# The display names mail servers sign their bounces with.
_BOUNCE_NAME = re.compile(
    r"^(?:mail delivery (?:subsystem|system|service)|mailer[- ]daemon)$", re.IGNORECASE
)
# A postmaster is sometimes a person: their mail counts as a bounce only when it says so.
_POSTMASTER_SUBJECT = re.compile(
    r"deliver|undeliver|zustell|returned|failure|fehlgeschlagen|non remis|bounce", re.IGNORECASE
)
_NO_REPLY = re.compile(r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|automated[-_.]notifications?)")
_BOUNCE_SUBJECT = re.compile(
    r"^(?:undelivered mail returned to sender|undeliverable\b|unzustellbar\b|nicht zustellbar\b"
    r"|delivery status notification|delivery notification\s*:|mail delivery failed"
    r"|returned mail\s*:|delivery failure\s*:|failure notice|undelivered mail\b|delayed mail\b"
    r"|warning: could not send message|non remis\s*:|non recapitabile\s*:|onbestelbaar\s*:"
    r"|zustellung fehlgeschlagen|message not delivered|delivery has failed)",
    re.IGNORECASE,
)
_AUTO_REPLY_SUBJECT = re.compile(
    r"^(?:automatische antwort\b|automatic reply\b|auto(?:matic)?[- ]?reply\b|autoreply\b"
    r"|abwesenheitsnotiz\b|out of (?:the )?office(?:\s+auto-?reply)?\s*(?::|$)"
    r"|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord"
    r"|abwesend\s*:|i am out of the office|ich bin (?:nicht im büro|abwesend))",
    re.IGNORECASE,
)
_OUT_OF_OFFICE = re.compile(
    r"out of (?:the )?office|abwesenheit|abwesend|automatische antwort|automatic reply"
    r"|auto-?reply|im urlaub|on vacation|on holiday|on leave",
    re.IGNORECASE,
)
_ACKNOWLEDGEMENT = re.compile(
    r"eingangsbestätigung|empfangsbestätigung|acknowledge?ment of receipt"
    r"|your (?:message|request) has been received|ihre (?:nachricht|anfrage) ist eingegangen",
    re.IGNORECASE,
)
_RECEIPT_SUBJECT = re.compile(
    r"^(?:lesebestätigung\b|gelesen\s*:|read receipt\b|return receipt\b)", re.IGNORECASE
)
_DMARC_AGGREGATE = re.compile(r"\breport[\s-]+domain\s*:.{0,300}?\bsubmitter\s*:", re.IGNORECASE)
_DMARC_FAILURE = re.compile(r"dmarc (?:failure|forensic) report", re.IGNORECASE)
# DMARC aggregate files are named receiver!domain!begin!end(.xml, .zip, .xml.gz).
_DMARC_FILE = re.compile(r"^[^!\s]+![^!\s]+!\d+!\d+")
# Every rule looks at the start of the subject; a 200 KB subject is not searched whole.
_MAX_SUBJECT = 1_000
_TLS_TYPES = {"application/tlsrpt+gzip", "application/tlsrpt+json"}


def classify(
    msg: Message,
    fields: dict[str, list[str]],
    subject: str,
    sender: tuple[str, str],
    attachments: Sequence[Attachment],
) -> str:
    """Why this is not a report, in words for the team; "" when it may well be one."""
    subject = subject[:_MAX_SUBJECT]
    rules = (
        lambda: _by_structure(msg),
        lambda: _by_report_files(subject, attachments),
        lambda: _by_auto_headers(fields, subject),
        lambda: _by_sender(sender, fields, subject),
        lambda: _by_subject(subject),
    )
    for rule in rules:
        reason = rule()
        if reason:
            return reason
    if content_type(msg) == "multipart/report":
        return "automated report (multipart/report)"
    return ""


def _by_structure(msg: Message) -> str:
    ctype = content_type(msg)
    if ctype == "multipart/report":
        kind = str(msg.get_param("report-type", "") or "").strip().lower()
        by_kind = _REPORT_KINDS.get(kind)
        if kind == "feedback-report":
            return _feedback_reason(msg)
        if by_kind:
            return by_kind
        kinds = [content_type(c) for c in msg.get_payload() if isinstance(c, Message)]
        return next((_PART_KINDS[k] for k in kinds if k in _PART_KINDS), "")
    return _PART_KINDS.get(ctype, "")


_REPORT_KINDS = {
    "delivery-status": "bounce (delivery status notification)",
    "global-delivery-status": "bounce (delivery status notification)",
    "disposition-notification": "read receipt (disposition notification)",
    "tlsrpt": "SMTP TLS report",
}
_PART_KINDS = {
    "message/delivery-status": "bounce (delivery status notification)",
    "message/global-delivery-status": "bounce (delivery status notification)",
    "message/disposition-notification": "read receipt (disposition notification)",
    "message/feedback-report": "spam complaint (ARF feedback report)",
}


def _feedback_reason(msg: Message) -> str:
    for child in msg.walk():
        if content_type(child) != "message/feedback-report":
            continue
        for block in child.get_payload() if child.is_multipart() else [child]:
            if not isinstance(block, Message):
                continue
            kind = str(block.get("Feedback-Type", "") or "").strip().lower()
            if kind == "auth-failure":
                return "DMARC failure report (ARF auth-failure)"
    return "spam complaint (ARF feedback report)"


def _by_report_files(subject: str, attachments: Sequence[Attachment]) -> str:
    if any(a.declared_type in _TLS_TYPES for a in attachments):
        return "SMTP TLS report"
    if subject_kind(subject) == "":
        if _DMARC_AGGREGATE.search(subject):
            return "DMARC aggregate report"
        if _DMARC_FAILURE.search(subject):
            return "DMARC failure report"
    if any(_DMARC_FILE.match(a.filename) or _holds_dmarc_xml(a) for a in attachments):
        return "DMARC aggregate report"
    return ""


def _holds_dmarc_xml(attachment: Attachment) -> bool:
    """Whether a zip or gzip file starts with a DMARC ``<feedback>`` document.

    Only the first few KB are inflated, so a compressed bomb costs nothing.
    """
    kinds = {attachment.declared_type, attachment.sniffed_type}
    if len(attachment.data) > _MAX_ARCHIVE or not kinds & _ARCHIVE_TYPES:
        return False
    try:
        if attachment.data.startswith(b"\x1f\x8b"):
            head = zlib.decompressobj(wbits=31).decompress(attachment.data, _PEEK)
        else:
            with zipfile.ZipFile(io.BytesIO(attachment.data)) as archive:
                first = archive.infolist()[0]
                with archive.open(first) as member:
                    head = member.read(_PEEK)
    except Exception:  # a broken archive is no DMARC report, whatever it is
        return False
    return b"<feedback" in head


_ARCHIVE_TYPES = {
    "application/zip",
    "application/x-zip-compressed",
    "application/gzip",
    "application/x-gzip",
}
_MAX_ARCHIVE = 10_000_000
_PEEK = 4_096


def _by_auto_headers(fields: dict[str, list[str]], subject: str) -> str:
    submitted = first(fields, "auto-submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        if submitted.startswith("auto-replied"):
            return "auto-reply (Auto-Submitted: auto-replied)"
        return f"automatic message (Auto-Submitted: {submitted.split()[0][:40]})"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        value = first(fields, name).strip().lower()
        if value and value not in ("no", "false", "0"):
            return f"auto-reply ({name.title()})"
    precedence = first(fields, "precedence").strip().lower()
    if precedence == "auto_reply":
        return "auto-reply (Precedence: auto_reply)"
    if precedence in ("bulk", "junk", "list") and _OUT_OF_OFFICE.search(subject):
        return f"auto-reply (Precedence: {precedence}, out-of-office subject)"
    return ""


def _by_sender(sender: tuple[str, str], fields: dict[str, list[str]], subject: str) -> str:
    local = sender[0].partition("@")[0]
    if local in _BOUNCE_SENDERS:
        return f"bounce (sent by {local})"
    if _BOUNCE_NAME.match(sender[1]):
        return f"bounce (sent by {sender[1]})"
    if local == "postmaster" and _POSTMASTER_SUBJECT.search(subject):
        return "bounce (sent by postmaster)"
    null_sender = first(fields, "return-path").strip().strip("<>").strip().lower()
    automated = null_sender in ("", "mailer-daemon") and "return-path" in fields
    if (automated or _NO_REPLY.match(local)) and subject_kind(subject) != "forward":
        if _ACKNOWLEDGEMENT.search(subject):
            return "auto-reply (acknowledgement of receipt)"
        if _OUT_OF_OFFICE.search(subject):
            return "auto-reply (out of office)"
    return ""


def _by_subject(subject: str) -> str:
    if subject_kind(subject):
        return ""
    text = subject.strip()
    if _BOUNCE_SUBJECT.match(text):
        return "bounce (subject)"
    if _AUTO_REPLY_SUBJECT.match(text):
        return "auto-reply (subject)"
    if _RECEIPT_SUBJECT.match(text):
        return "read receipt (subject)"
    return ""
