"""Writing the audit trail, with a closed set of verbs (as Zulip's AuditLogEventType).

A new kind of event gets a member of ``AuditVerb`` first; ``record`` refuses a verb that is not
one, and tapecut/core/test_audit_verbs.py finds every verb written in the code, so that a rare
path cannot slip an unknown verb past the tests. The values are the strings stored in
``AuditEvent.verb``: renaming a member keeps its value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models

from tapecut.core.models import AuditEvent


class AuditVerb(StrEnum):
    TWO_FACTOR_ENROLLED = "2fa.enrolled"
    TWO_FACTOR_ENROLMENT_STARTED = "2fa.enrolment_started"
    TWO_FACTOR_FAILED = "2fa.failed"
    TWO_FACTOR_REMOVED = "2fa.removed"
    TWO_FACTOR_VERIFIED = "2fa.verified"

    AI_BUDGET_REACHED = "ai.budget_reached"

    ANALYSIS_BULK = "analysis.bulk"
    ANALYSIS_RECLASSIFIED = "analysis.reclassified"

    AUTOREPLY_SENT = "autoreply.sent"

    COST_FACTOR = "cost.factor"

    CHANGE_ATTENTION_CLEARED = "change.attention_cleared"
    CHANGE_CREATE = "change.create"
    CHANGE_EDIT = "change.edit"
    CHANGE_EVIDENCE = "change.evidence"
    CHANGE_FEEDBACK = "change.feedback"
    CHANGE_FOLLOW = "change.follow"
    CHANGE_LINK = "change.link"
    CHANGE_ME_TOO = "change.me_too"
    CHANGE_NEWS_STOPPED = "change.news_stopped"
    CHANGE_NOTICES_PLANNED = "change.notices_planned"
    CHANGE_OWNER = "change.owner"
    CHANGE_OWNER_LINK = "change.owner_link"
    CHANGE_OWNER_LINK_USED = "change.owner_link_used"
    CHANGE_REMINDED = "change.reminded"
    CHANGE_STATUS = "change.status"
    CHANGE_TEXT = "change.text"
    CHANGE_UNLINK = "change.unlink"

    DEMO_ADMIN_RESET = "demo.admin_reset"
    DEMO_IMPORT = "demo.import"

    FOLLOWUP_RECEIPT_ANSWER = "followup.receipt_answer"

    IDENTITY_REVEAL = "identity.reveal"

    INBOUND_DELETE = "inbound.delete"
    INBOUND_DOWNLOAD = "inbound.download"
    INBOUND_PROTECT = "inbound.protect"
    INBOUND_RELEASE = "inbound.release"
    INBOUND_REPARSE = "inbound.reparse"

    INSIGHTS_DIGEST_SENT = "insights.digest_sent"
    INSIGHTS_UNITS_ASSIGNED = "insights.units_assigned"

    KEYS_ROTATE = "keys.rotate"

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGIN_LOCKED = "login.locked"

    NOTE_ADD = "note.add"

    NOTICE_RESEND = "notice.resend"

    RECEIPT_ISSUE = "receipt.issue"

    REPORT_ANALYSED = "report.analysed"
    REPORT_ASSIGN = "report.assign"
    REPORT_BULK_STATUS = "report.bulk_status"
    REPORT_CATEGORY = "report.category"
    REPORT_DUPLICATE_REJECTED = "report.duplicate_rejected"
    REPORT_IMPACT = "report.impact"
    REPORT_MERGED = "report.merged"
    REPORT_QUESTION = "report.question"
    REPORT_SUBMIT = "report.submit"
    REPORT_THEME = "report.theme"
    REPORT_THEME_CONFIRMED = "report.theme_confirmed"
    REPORT_UNMERGED = "report.unmerged"

    REPORTER_ERASE = "reporter.erase"
    REPORTER_EXPORT = "reporter.export"

    RETENTION_PURGE = "retention.purge"
    RETENTION_RUN = "retention.run"

    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"

    THEME_CREATED = "theme.created"
    THEME_MERGED = "theme.merged"
    THEME_PROPOSALS_ACCEPTED = "theme.proposals_accepted"
    THEME_RENAMED = "theme.renamed"
    THEME_REPORTS_MOVED = "theme.reports_moved"
    THEME_SPLIT = "theme.split"
    THEME_UNDONE = "theme.undone"

    THEMES_RECLUSTERED = "themes.reclustered"

    TOKEN_CREATE = "token.create"  # noqa: S105 - a verb, not a secret
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 - a verb, not a secret

    USER_ROLES_SYNCED = "user.roles_synced"
    USER_SSO_CREATED = "user.sso_created"


def record(
    verb: AuditVerb | str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    actor_label: str = "",
    **detail: Any,
) -> AuditEvent:
    verb = AuditVerb(verb)  # ValueError for a verb outside the set
    user = actor if getattr(actor, "pk", None) else None
    label = actor_label or (getattr(user, "get_username", lambda: "")() if user else "system")
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        verb=verb.value,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
