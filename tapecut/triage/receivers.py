"""Signal receivers: acknowledge new reports, and audit every login and failed login."""

from __future__ import annotations

from email.message import Message
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from tapecut.core import audit
from tapecut.custody.autoreply import wants_autoreply
from tapecut.intake.models import Report
from tapecut.intake.signals import report_created, reports_created
from tapecut.triage import notices
from tapecut.triage.original import store_originals


@receiver(report_created, dispatch_uid="triage.acknowledge")
def acknowledge(sender: Any, report: Report, **kwargs: Any) -> None:
    # Where accounts' automatic answer goes out (anonymous and, by default, pseudonymous mail:
    # it carries the receipt code), it is the acknowledgement; nobody gets two.
    # An imported archive holds old mail: writing to every historical sender would be spam.
    if report.channel == "import":
        return
    if not settings.TAPECUT_ACKNOWLEDGE or report.is_demo or wants_autoreply(report):
        return
    notice = notices.create_ack_notice(report)
    if notice is not None:
        notices.enqueue_send(notice.pk)


@receiver(reports_created, dispatch_uid="triage.store_original")
def prepare_originals(
    sender: Any, reports: list[Report], trees: dict[int, Message] | None = None, **kwargs: Any
) -> None:
    # In the worker, once: the page only reads what is stored here (hostile HTML is costly).
    trees = trees or {}
    store_originals(
        [(r.inbound, trees.get(r.pk)) for r in reports if r.inbound_id and r.inbound is not None]
    )


@receiver(user_logged_in, dispatch_uid="triage.audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    backend = str(getattr(user, "backend", "") or "")
    method = "sso" if backend.endswith("RoleMappingBackend") else "password"
    audit.record("login", user, actor=user, method=method)


@receiver(user_login_failed, dispatch_uid="triage.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Django has already masked the password; the user name is what was typed.
    name = str(credentials.get("username", ""))[:150]
    audit.record("login.failed", actor_label=name or "unknown", username=name)
