"""Deleting personal data in place: raw mail, identities, threads. Rows and counts stay.

Every function here runs inside the caller's transaction. Files in the store go only after the
commit (a rollback must not leave a row pointing at a deleted file), and only when no other row
still refers to them (the store keeps one file per content).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tapecut.analysis.models import ReportAnalysis
from tapecut.core import storage
from tapecut.custody.models import PendingMail
from tapecut.custody.sanitise import remove_phone_numbers
from tapecut.intake import identity
from tapecut.intake.models import (
    Attachment,
    FollowUp,
    InboundMessage,
    MessageRef,
    Report,
    Reporter,
)
from tapecut.triage.models import Evidence, FixFeedback, Notice, OriginalCopy

DELETED = "[deleted]"


def wipe_messages(message_ids: Iterable[int]) -> int:
    """Delete the bytes, envelope and attachments of these messages; return how many."""
    ids = list(message_ids)
    msgs = InboundMessage.objects.filter(id__in=ids, purged_at__isnull=True)
    blobs = set(msgs.filter(raw_inline__isnull=True).values_list("sha256", flat=True))
    attachments = Attachment.objects.filter(inbound_id__in=ids)
    blobs |= set(attachments.values_list("sha256", flat=True))
    attachments.delete()
    OriginalCopy.objects.filter(inbound_id__in=ids).delete()
    count = 0
    for msg in msgs.only("id"):
        # The digest is unique and, for named mail, would confirm a guess of the exact bytes.
        InboundMessage.objects.filter(pk=msg.pk).update(
            raw_inline=None,
            sha256=f"purged:{msg.pk}",
            envelope_from="",
            envelope_to=[],
            envelope_extra={},
            message_id="",
            last_error="",
            purged_at=timezone.now(),
        )
        count += 1
    _delete_blobs_after_commit(blobs)
    return count


def _delete_blobs_after_commit(digests: set[str]) -> None:
    def delete() -> None:
        for digest in digests:
            if not _still_used(digest):
                with contextlib.suppress(FileNotFoundError):
                    storage.blob_path(digest).unlink()

    if digests:
        transaction.on_commit(delete)


def _still_used(digest: str) -> bool:
    return (
        InboundMessage.objects.filter(sha256=digest, raw_inline__isnull=True).exists()
        or Attachment.objects.filter(sha256=digest).exists()
        or Evidence.objects.filter(sha256=digest).exists()
    )


def reporter_tokens(reporter: Reporter | None) -> list[str]:
    """What names this reporter in text (decrypted for protected ones: keys are at hand)."""
    if reporter is None:
        return []
    found = identity.reveal(reporter)
    return identity.identity_tokens(found.get("address", ""), found.get("name", ""))


def anonymise(text: str, tokens: list[str]) -> str:
    return remove_phone_numbers(identity.scrub_tokens(text, tokens)) if text else text


def wipe_reports(report_ids: list[int]) -> dict[str, int]:
    """Delete each report's raw mail, thread and quoted parts; anonymise what stays."""
    counts = {"reports": 0, "messages": 0, "followups": 0}
    inbound = set(
        Report.objects.filter(id__in=report_ids, inbound__isnull=False).values_list(
            "inbound_id", flat=True
        )
    )
    followups = FollowUp.objects.filter(report_id__in=report_ids)
    inbound |= set(followups.filter(inbound__isnull=False).values_list("inbound_id", flat=True))
    counts["messages"] = wipe_messages(inbound)
    redacted = dict(
        ReportAnalysis.objects.filter(report_id__in=report_ids)
        .exclude(redacted_text="")
        .values_list("report_id", "redacted_text")
    )
    for report in Report.objects.filter(id__in=report_ids).select_related("reporter"):
        tokens = reporter_tokens(report.reporter)
        counts["followups"] += _wipe_thread(report, tokens)
        _anonymise_feedback(report, tokens)
        Report.objects.filter(pk=report.pk).update(
            subject=anonymise(report.subject, tokens),
            text=redacted.get(report.pk) or anonymise(report.text, tokens),
            quoted_text="",
            forwarded=[],
            message_id="",
            thread_subject="",
            receipt_hash="",
            receipt_lookup="",
            purged_at=timezone.now(),
        )
        counts["reports"] += 1
    MessageRef.objects.filter(report_id__in=report_ids).delete()
    PendingMail.objects.filter(report_id__in=report_ids).delete()
    Notice.objects.filter(report_id__in=report_ids).exclude(error="").update(error="")
    Notice.objects.filter(report_id__in=report_ids).update(message_id="")
    return counts


def _anonymise_feedback(report: Report, tokens: list[str]) -> None:
    for feedback in FixFeedback.objects.filter(notice__report=report).exclude(comment=""):
        FixFeedback.objects.filter(pk=feedback.pk).update(
            comment=anonymise(feedback.comment, tokens)
        )


def _wipe_thread(report: Report, tokens: list[str]) -> int:
    """The reporter's own follow-ups are deleted in content; the team's are anonymised."""
    mine = FollowUp.objects.filter(report=report, author=FollowUp.Author.REPORTER)
    count = mine.update(text=DELETED, quoted_text="", message_id="")
    for followup in FollowUp.objects.filter(report=report, author=FollowUp.Author.TEAM):
        FollowUp.objects.filter(pk=followup.pk).update(
            text=anonymise(followup.text, tokens), quoted_text="", message_id=""
        )
    return count


def wipe_identity(reporter: Reporter) -> None:
    """Forget who the reporter is; the row stays for counts (mode, unit, language)."""
    Reporter.objects.filter(pk=reporter.pk).update(
        address="", display_name="", address_hmac="", alias="", identity_ciphertext=None
    )


def reporters_without_kept_reports(report_ids: list[int]) -> list[Reporter]:
    """Reporters of these reports who have no report left that retention keeps."""
    reporters = Reporter.objects.filter(reports__id__in=report_ids).distinct()
    kept = Q(reports__purged_at__isnull=True) & ~Q(reports__id__in=report_ids)
    return list(reporters.exclude(pk__in=Reporter.objects.filter(kept).values("pk")))
