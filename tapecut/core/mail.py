"""One way to send mail to people: a named template, rendered in the reader's language, and one
``send`` through which every message leaves Tapecut (the style of healthchecks' hc/lib/emails.py).

Receipts, notices to reporters, reminders to owners and digests to leaders all come through
here, so that headers, the reply address and the scrubbing of send errors are written once.
A failure is raised with every address taken out of its message (tapecut.core.scrub): a
refused recipient must not reach a job's error, a notice's row or a log line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from tapecut.core.scrub import scrubbed_errors

# RFC 3834: "auto-generated" for notices and digests, "auto-replied" for an answer to a message.
AUTO_GENERATED = "auto-generated"
AUTO_REPLIED = "auto-replied"


def render(template: str, context: dict[str, object], language: str = "") -> str:
    """The body from a named text template (``triage/email/reminder.txt``), in ``language``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(template, context).strip() + "\n"


def reply_address(envelope_to: Iterable[str], *, anonymous: bool) -> str:
    """Which of our addresses a reply goes to: the one the report came to, else the first of its
    mode's own, so that a reply keeps the report's protection."""
    ours = [*settings.TAPECUT_ANONYMOUS_RECIPIENTS, *settings.TAPECUT_RECIPIENTS]
    for rcpt in envelope_to:
        if str(rcpt).lower() in ours:
            return str(rcpt)
    if anonymous and settings.TAPECUT_ANONYMOUS_RECIPIENTS:
        return str(settings.TAPECUT_ANONYMOUS_RECIPIENTS[0])
    return str(settings.TAPECUT_RECIPIENTS[0])


def send(
    to: str | Sequence[str],
    subject: str,
    body: str,
    *,
    auto: str = AUTO_GENERATED,
    reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Send one message (to one person, or to a team's list); a failure is raised without the
    addresses."""
    recipients = [to] if isinstance(to, str) else list(to)
    all_headers = {"Auto-Submitted": auto} if auto else {}
    all_headers.update(headers or {})
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[reply_to] if reply_to else None,
        headers=all_headers,
    )
    with scrubbed_errors(*recipients):
        message.send(fail_silently=False)
