"""Signal receivers: acknowledge new reports, and audit every login and failed login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from tapecut.core import audit
from tapecut.intake.models import Report
from tapecut.intake.signals import report_created
from tapecut.triage import notices


@receiver(report_created, dispatch_uid="triage.acknowledge")
def acknowledge(sender: Any, report: Report, **kwargs: Any) -> None:
    # Anonymous reporters get their receipt code from intake's auto-reply instead.
    if not settings.TAPECUT_ACKNOWLEDGE or report.is_demo:
        return
    notice = notices.create_ack_notice(report)
    if notice is not None:
        notices.enqueue_send(notice.pk)


@receiver(user_logged_in, dispatch_uid="triage.audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    backend = getattr(user, "backend", "") or ""
    audit.record("login", user, actor=user, method=backend.rpartition(".")[2])


@receiver(user_login_failed, dispatch_uid="triage.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Django has already masked the password; the user name is what was typed.
    name = str(credentials.get("username", ""))[:150]
    audit.record("login.failed", actor_label=name or "unknown", username=name)
