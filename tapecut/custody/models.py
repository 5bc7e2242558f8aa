"""Mail waiting to go to a protected reporter."""

from __future__ import annotations

from django.db import models

from tapecut.intake.models import Report


class PendingMail(models.Model):
    """Mail to a reporter, kept encrypted until it is sent and emptied once it is.

    The recipient and the receipt code live only in ``ciphertext``: job payloads and logs never
    see them. ``sent_at`` marks it done so that a retried job does not send it twice.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    message_id = models.CharField(max_length=998)
    ciphertext = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="pending_mail_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for report {self.report_id} ({'sent' if self.sent_at else 'pending'})"
