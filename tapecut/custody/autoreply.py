"""The automatic answer to a report that came by email: the receipt code and where to use it.

It is sent by a job, so that a mail server that is down only delays it. The job's payload holds
the report's id and nothing else; the recipient and the code wait in ``PendingMail``, encrypted,
and the row is emptied once the mail is out. The answer's own Message-ID is added to the report's
thread, so that a reply to it becomes a follow-up without anyone learning who wrote it.
"""

from __future__ import annotations

import json
import logging
from email import message_from_bytes, policy
from email.utils import make_msgid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tapecut.core import audit, crypto, jobs, mail
from tapecut.core.tasks import job_task
from tapecut.custody.actions import do_issue_receipt
from tapecut.custody.models import PendingMail
from tapecut.intake import identity
from tapecut.intake.authresults import sender_authenticated
from tapecut.intake.form import our_domain
from tapecut.intake.mime_headers import first_id
from tapecut.intake.models import Channel, Mode, Report
from tapecut.intake.processing import add_message_ref
from tapecut.intake.storing import raw_bytes

log = logging.getLogger(__name__)

AUTOREPLY_JOB = "accounts.autoreply"
KIND = "autoreply"
EMAIL_CHANNELS = frozenset({Channel.SMTP, Channel.IMAP})


def wants_autoreply(report: Report) -> bool:
    return (
        report.channel in EMAIL_CHANNELS
        and report.mode in settings.TAPECUT_AUTOREPLY_MODES
        and not report.is_demo
    )


def queue_autoreply(report: Report) -> None:
    if wants_autoreply(report):
        autoreply_task.enqueue(report_id=report.pk)


@job_task(AUTOREPLY_JOB, key="autoreply:{report_id}")
def autoreply_task(report_id: int) -> None:
    report = Report.objects.select_related("reporter", "inbound").filter(pk=report_id)
    found = report.first()
    if found is None:
        raise jobs.PermanentError(f"report {report_id} does not exist")
    pending = prepare(found)
    if pending is not None and pending.sent_at is None:
        send(pending)


def prepare(report: Report) -> PendingMail | None:
    """Issue the receipt (anonymous reports) and seal the mail; once per report."""
    existing = PendingMail.objects.filter(report=report, kind=KIND).first()
    if existing is not None:
        return existing
    address = _reporter_address(report)
    if not address or not _sender_vouched_for(report, address):
        return None
    message_id = make_msgid(idstring="receipt", domain=our_domain())
    with transaction.atomic():
        receipt = do_issue_receipt(report) if report.mode == Mode.ANONYMOUS else ""
        sealed = {
            "to": address,
            "receipt": receipt,
            "in_reply_to": _original_message_id(report),
        }
        try:
            pending = PendingMail.objects.create(
                report=report,
                kind=KIND,
                message_id=message_id,
                ciphertext=crypto.encrypt(json.dumps(sealed).encode()),
            )
        except IntegrityError:
            return None  # another worker prepared it meanwhile
        add_message_ref(report, first_id(message_id))
    return pending


def send(pending: PendingMail) -> None:
    sealed = json.loads(crypto.decrypt(bytes(pending.ciphertext)))
    report = pending.report
    with translation.override(report.language or settings.LANGUAGE_CODE):
        subject, body = _("Your report has arrived"), _body(report, sealed)
    mail.send(
        sealed["to"],
        subject,
        body,
        auto=mail.AUTO_REPLIED,
        reply_to=_reply_address(report),
        headers=_headers(pending.message_id, sealed),
    )
    PendingMail.objects.filter(pk=pending.pk).update(ciphertext=b"", sent_at=timezone.now())
    audit.record("autoreply.sent", report, actor_label="system", receipt=bool(sealed["receipt"]))
    log.info("sent the automatic answer for report %s", report.pk)


def _body(report: Report, sealed: dict[str, str]) -> str:
    context = {
        "report": report,
        "receipt": sealed["receipt"],
        "receipt_url": settings.TAPECUT_BASE_URL.rstrip("/") + "/receipt/",
        "alias": report.reporter.public_name if report.reporter else "",
    }
    return mail.render("custody/autoreply.txt", context, translation.get_language())


def _headers(message_id: str, sealed: dict[str, str]) -> dict[str, str]:
    # An automatic answer (Auto-Submitted, from mail.send); robots do not answer it in turn.
    headers = {"Message-ID": message_id, "X-Auto-Response-Suppress": "All"}
    if sealed.get("in_reply_to"):
        headers["In-Reply-To"] = sealed["in_reply_to"]
        headers["References"] = sealed["in_reply_to"]
    return headers


def _reply_address(report: Report) -> str:
    # Replies go back to the address of the report's mode, so that they keep its protection.
    envelope_to = report.inbound.envelope_to if report.inbound is not None else []
    return mail.reply_address(envelope_to, anonymous=report.mode == Mode.ANONYMOUS)


def _sender_vouched_for(report: Report, address: str) -> bool:
    """Mail the code or alias only to a sender our mail server authenticated: a forged From
    would otherwise receive it (the receipt page tells everyone else how to get a code)."""
    if report.inbound is None:
        return False
    raw = raw_bytes(report.inbound)
    if sender_authenticated(raw, address, settings.TAPECUT_AUTHSERV_IDS):
        return True
    log.info("no automatic answer for report %s: the sender was not authenticated", report.pk)
    return False


def _reporter_address(report: Report) -> str:
    return identity.mail_address(report.reporter)


def _original_message_id(report: Report) -> str:
    # Stored hashed for protected mail; the original is read from the encrypted raw copy.
    if report.inbound is None:
        return ""
    headers = message_from_bytes(raw_bytes(report.inbound), policy=policy.compat32)
    return first_id(str(headers.get("Message-ID", "") or ""))
