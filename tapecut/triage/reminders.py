"""Reminding owners of overdue changes, at most once a calendar day per change."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tapecut.core import audit, mail
from tapecut.intake.addresses import mask
from tapecut.triage import owner_links
from tapecut.triage.links import absolute
from tapecut.triage.models import Change

log = logging.getLogger(__name__)

OPEN = [Change.Status.PROPOSED, Change.Status.APPROVED, Change.Status.IN_PROGRESS]


def overdue(now: datetime) -> list[Change]:
    """Open changes past their due date with someone to write to: an owner with an address, or
    an owner named by address without an account (tapecut.triage.owner_links)."""
    today = timezone.localdate(now)
    owned = Q(owner__isnull=False) & ~Q(owner__email="")
    return list(
        Change.objects.filter(status__in=OPEN, due_date__lt=today)
        .filter(owned | Q(external_owner__isnull=False))
        .select_related("owner", "external_owner")
    )


def do_remind_overdue(now: datetime | None = None) -> int:
    """Mail each owner of an overdue change; return how many reminders went out."""
    now = now or timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    sent = 0
    for change in overdue(now):
        # The claim: only one process, once a day, gets to write this reminder.
        claimed = (
            Change.objects.filter(pk=change.pk)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=start_of_day))
            .update(last_reminded_at=now)
        )
        if not claimed:
            continue
        try:
            _send(change)
        except Exception:
            Change.objects.filter(pk=change.pk).update(last_reminded_at=change.last_reminded_at)
            log.exception("reminder for change %s failed; retried on the next run", change.pk)
            continue
        audit.record("change.reminded", change, owner=change.owner_id)
        sent += 1
    return sent


def _whom(change: Change) -> tuple[str, str]:
    """The address to remind and the link to give: the change's page for an account, the
    signed owner's link for an owner without one."""
    if change.owner is not None and change.owner.email:
        return change.owner.email, absolute(reverse("triage:change", args=[change.pk]))
    external = change.external_owner
    return external.address, owner_links.url_for(external)


def _send(change: Change) -> None:
    address, url = _whom(change)
    with translation.override(settings.LANGUAGE_CODE):
        body = mail.render("triage/email/reminder.txt", {"change": change, "url": url})
        subject = _("Overdue: %(title)s") % {"title": change.title}
    mail.send(address, subject, body)
    log.info("reminded %s of change %s", mask(address), change.pk)
