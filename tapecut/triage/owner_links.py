"""Owners without an account: a change's owner named by address acts through a signed link.

The link names the change, the address and the invitation's version, and expires after
TAPECUT_OWNER_LINK_DAYS. Naming another owner (or inviting again) raises the version, so older
links stop working. What the owner does through it is audited under their masked address.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tapecut.core import audit, mail
from tapecut.intake.addresses import mask
from tapecut.triage import actions
from tapecut.triage.models import Change, ExternalOwner

log = logging.getLogger(__name__)

SALT = "tapecut.triage.owner-link"


def token_for(owner: ExternalOwner) -> str:
    return signing.dumps([owner.change_id, owner.address, owner.version], salt=SALT)


def url_for(owner: ExternalOwner) -> str:
    path = reverse("triage:owner_link", args=[token_for(owner)])
    return settings.TAPECUT_BASE_URL.rstrip("/") + path


def owner_from_token(token: str) -> ExternalOwner | None:
    """The invitation a valid, unexpired, current link stands for; else None."""
    max_age = settings.TAPECUT_OWNER_LINK_DAYS * 86400
    try:
        value = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not (isinstance(value, list) and len(value) == 3):
        return None
    change_id, address, version = value
    owner = ExternalOwner.objects.select_related("change").filter(change_id=change_id).first()
    if owner is None or owner.address != address or owner.version != version:
        return None
    return owner


def actor_label(owner: ExternalOwner) -> str:
    return f"owner by link {mask(owner.address)}"


def do_invite_owner(change: Change, address: str, *, actor: Any) -> ExternalOwner:
    """Name the owner by address and mail them the link (an older link stops working)."""
    address = address.strip().lower()
    try:
        validate_email(address)
    except Exception:
        raise actions.TriageError(_("Please give a valid e-mail address.")) from None
    with transaction.atomic():
        owner, new = ExternalOwner.objects.select_for_update().get_or_create(
            change=change, defaults={"address": address, "invited_by": actor}
        )
        if not new:
            owner.address, owner.version, owner.invited_by = address, owner.version + 1, actor
            owner.save()
        audit.record("change.owner_link", change, actor=actor, address=mask(address))
    _mail_link(owner)
    return owner


def _mail_link(owner: ExternalOwner) -> None:
    context = {
        "change": owner.change,
        "url": url_for(owner),
        "days": settings.TAPECUT_OWNER_LINK_DAYS,
    }
    body = mail.render("triage/email/owner_link.txt", context, translation.get_language())
    subject = _("You own a change: %(title)s") % {"title": owner.change.title}
    mail.send(owner.address, subject, body)
    log.info("owner link for change %s sent to %s", owner.change_id, mask(owner.address))


def do_update_by_link(owner: ExternalOwner, *, status: str, note: str, reason: str = "") -> Change:
    """What the owner sends from the link's page: a new status, a note, or both."""
    change = owner.change
    label = actor_label(owner)
    with transaction.atomic():
        if status and status != change.status:
            actions.do_change_status(change, status, actor=None, reason=reason, actor_label=label)
        if note.strip():
            actions.do_add_note(actor=None, text=f"{label}: {note.strip()}", change=change)
        audit.record(
            "change.owner_link_used", change, actor_label=label, status=status, note=bool(note)
        )
    return change
