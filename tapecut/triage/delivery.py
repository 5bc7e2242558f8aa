"""Sending one notice: compose it in the reporter's language, claim it, deliver it, mark it.

Exactly-once is impossible across a mail server and a database, so Tapecut chooses at most
once: the row is claimed (pending → sending) and committed before the mail is handed over, and
marked sent afterwards. A worker killed between the two leaves a ``sending`` row that nothing
retries by itself (the mail may have gone). An exception from the mail backend means the mail
was not accepted: the row goes back to pending and the job is retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tapecut.core import mail
from tapecut.intake import identity
from tapecut.intake.models import FollowUp, Mode
from tapecut.intake.processing import add_message_ref, do_add_followup
from tapecut.triage import links, steps, texts
from tapecut.triage.models import Change, Notice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str


def compose(notice: Notice) -> Composed:
    with translation.override(notice.language or settings.LANGUAGE_CODE):
        if notice.kind == Notice.Kind.ACK:
            return _compose_ack(notice)
        if notice.kind == Notice.Kind.QUESTION:
            return _compose_question(notice)
        return _compose_outcome(notice)


def _render(name: str, context: dict[str, object]) -> str:
    # compose() has already switched to the notice's language.
    return mail.render(f"triage/email/{name}.txt", context, translation.get_language())


def _compose_ack(notice: Notice) -> Composed:
    subject = notice.report.subject or _("(no subject)")
    body = _render("ack", {"subject": subject, "follow_url": links.follow_url(notice.report_id)})
    return Composed(_("We received your report: %(subject)s") % {"subject": subject}, body)


def _compose_question(notice: Notice) -> Composed:
    subject = notice.report.subject or _("(no subject)")
    assert notice.question is not None
    body = _render("question", {"subject": subject, "question": notice.question.text})
    return Composed(_("A question about your report: %(subject)s") % {"subject": subject}, body)


def _compose_outcome(notice: Notice) -> Composed:
    change = notice.change
    assert change is not None
    step = notice.step or change.status
    done = step == Change.Status.DONE
    words = texts.localized(change, notice.language)
    context = {
        "step": step,
        "done": done,
        "change": change,
        "words": words,
        "subject": notice.report.subject or _("(no subject)"),
        "yes_url": links.feedback_url(notice.pk, "yes") if done else "",
        "no_url": links.feedback_url(notice.pk, "no") if done else "",
        "follow_url": (
            links.follow_url(notice.report_id) if notice.channel == Notice.Channel.EMAIL else ""
        ),
        "stop_url": stop_url(notice),
    }
    return Composed(steps.subject_for(step, words.title), _render("outcome", context))


def stop_url(notice: Notice) -> str:
    """The one-click link that ends the news of this change for this reporter."""
    if notice.change_id is None:
        return ""
    if notice.reporter_id is not None:
        return steps.stop_url(notice.change_id, "p", notice.reporter_id)
    return steps.stop_url(notice.change_id, "r", notice.report_id)


def recipient_address(notice: Notice) -> str:
    """Where to write. Protected addresses are decrypted here, used once and never stored."""
    return identity.mail_address(notice.reporter or notice.report.reporter)


def deliver(notice_id: int) -> str:
    """Deliver one notice if nobody has; return what happened ("sent", "skipped", …)."""
    claimed = Notice.objects.filter(pk=notice_id, state=Notice.State.PENDING).update(
        state=Notice.State.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    notice = Notice.objects.select_related("report__inbound", "reporter", "change", "question").get(
        pk=notice_id
    )
    if notice.channel == Notice.Channel.RECEIPT:
        return _to_receipt(notice)
    return _by_email(notice)


def _mark(notice: Notice, state: str, error: str = "") -> None:
    sent_at = timezone.now() if state == Notice.State.SENT else None
    Notice.objects.filter(pk=notice.pk).update(state=state, sent_at=sent_at, error=error)


def _by_email(notice: Notice) -> str:
    address = recipient_address(notice)
    if not address:
        _mark(notice, Notice.State.FAILED, "no address to write to")
        return "failed"
    composed = compose(notice)
    msgid = notice.message_id or make_msgid(domain=_domain())
    Notice.objects.filter(pk=notice.pk).update(message_id=msgid)
    # Replies to this mail thread back into the report as follow-ups.
    add_message_ref(notice.report, msgid)
    try:
        _send(
            composed,
            address,
            msgid,
            auto=notice.kind != Notice.Kind.QUESTION,
            reply_to=reply_address(notice),
            unsubscribe=stop_url(notice) if notice.kind == Notice.Kind.OUTCOME else "",
        )
    except Exception as exc:
        # _send scrubbed it: the error names no address.
        Notice.objects.filter(pk=notice.pk).update(
            state=Notice.State.PENDING, claimed_at=None, error=str(exc)[:2000]
        )
        raise
    _mark(notice, Notice.State.SENT)
    log.info("sent %s notice %s", notice.kind, notice.pk)
    return "sent"


def _to_receipt(notice: Notice) -> str:
    composed = compose(notice)
    with transaction.atomic():
        followup = do_add_followup(
            notice.report, f"{composed.subject}\n\n{composed.body}", author=FollowUp.Author.TEAM
        )
        Notice.objects.filter(pk=notice.pk).update(
            state=Notice.State.SENT, sent_at=timezone.now(), followup=followup
        )
    if settings.TAPECUT_NOTICE_RELAY:
        _relay(notice, composed)
    return "sent"


def _relay(notice: Notice, composed: Composed) -> None:
    """Also mail an anonymous reporter through the encrypted address, best effort, once."""
    address = recipient_address(notice)
    if not address:
        return
    try:
        msgid = make_msgid(domain=_domain())
        _send(
            composed,
            address,
            msgid,
            auto=True,
            reply_to=reply_address(notice),
            unsubscribe=stop_url(notice) if notice.kind == Notice.Kind.OUTCOME else "",
        )
    except Exception as exc:
        log.warning("relay of notice %s failed; the receipt page still has it: %s", notice.pk, exc)


def reply_address(notice: Notice) -> str:
    """Replies go to the address the report came to, so that they keep its identity mode."""
    inbound = notice.report.inbound
    return mail.reply_address(
        inbound.envelope_to if inbound is not None else [],
        anonymous=notice.report.mode == Mode.ANONYMOUS,
    )


def _send(
    composed: Composed,
    address: str,
    msgid: str,
    *,
    auto: bool,
    reply_to: str,
    unsubscribe: str = "",
) -> None:
    """Send one notice; a failure is raised without the address (tapecut.core.mail)."""
    headers = {"Message-ID": msgid}
    if unsubscribe:
        # RFC 8058: mail programs show a one-click "stop" that posts to the link.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # RFC 3834: out-of-office robots must not answer automatic notices.
    mail.send(
        address,
        composed.subject,
        composed.body,
        auto=mail.AUTO_GENERATED if auto else "",
        reply_to=reply_to,
        headers=headers,
    )


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
