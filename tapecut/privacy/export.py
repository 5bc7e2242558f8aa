"""Everything Tapecut holds about one reporter, as JSON (GDPR Art. 15): for the custodian.

Protected identities are decrypted here: the caller checks the custodian role and audits it.
"""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from tapecut.core import audit
from tapecut.custody.models import PendingMail
from tapecut.intake import identity
from tapecut.intake.models import InboundMessage, Report, Reporter
from tapecut.intake.storing import raw_bytes
from tapecut.privacy.actions import _check_custodian
from tapecut.triage import linked
from tapecut.triage.models import Notice


def do_export_reporter(
    reporter: Reporter, *, actor: Any, reason: str, with_raw: bool = False
) -> dict[str, Any]:
    _check_custodian(actor, reason)
    reports = Report.objects.filter(reporter=reporter).order_by("received_at", "id")
    data = {
        "exported_at": timezone.now().isoformat(),
        "reporter": _reporter(reporter),
        "reports": [_report(r, with_raw) for r in reports],
    }
    audit.record("reporter.export", reporter, actor=actor, reason=reason, reports=reports.count())
    return data


def _reporter(reporter: Reporter) -> dict[str, Any]:
    found = identity.reveal(reporter)
    return {
        "id": reporter.pk,
        "mode": reporter.mode,
        "address": found.get("address", ""),
        "name": found.get("name", ""),
        "alias": reporter.alias,
        "language": reporter.language,
        "unit": reporter.unit,
        "first_seen": reporter.created_at.isoformat(),
    }


def _report(report: Report, with_raw: bool) -> dict[str, Any]:
    messages = [m for m in [report.inbound, *(f.inbound for f in report.followups.all())] if m]
    return {
        "id": report.pk,
        "received_at": report.received_at.isoformat(),
        "channel": report.channel,
        "mode": report.mode,
        "status": report.status,
        "subject": report.subject,
        "text": report.text,
        "quoted_text": report.quoted_text,
        "purged_at": report.purged_at.isoformat() if report.purged_at else None,
        "followups": [
            {"at": f.created_at.isoformat(), "author": f.author, "text": f.text}
            for f in report.followups.all()
        ],
        "changes": [
            {
                "title": c.title,
                "status": c.status,
                "decision": c.decision,
                "decline_reason": c.decline_reason,
            }
            for c in linked.changes_of(report)
        ],
        "notices": [
            {
                "kind": n.kind,
                "channel": n.channel,
                "state": n.state,
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in Notice.objects.filter(report=report)
        ],
        "mail_waiting": PendingMail.objects.filter(report=report, sent_at__isnull=True).count(),
        "attachments": [
            {"filename": a.filename, "size": a.size, "type": a.sniffed_type or a.declared_type}
            for a in report.attachments.all()
        ],
        "messages": [_message(m, with_raw) for m in messages],
    }


def _message(msg: InboundMessage, with_raw: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "received_at": msg.received_at.isoformat(),
        "channel": msg.channel,
        "size": msg.size,
        "kept": msg.purged_at is None,
    }
    if with_raw and msg.purged_at is None:
        out["raw_base64"] = base64.b64encode(raw_bytes(msg)).decode("ascii")
    return out
