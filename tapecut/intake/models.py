"""Intake: what arrived (InboundMessage), who sent it (Reporter), and what it says (Report)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tapecut.core import storage


class Channel(models.TextChoices):
    SMTP = "smtp", _("Email (SMTP)")
    IMPORT = "import", _("Import")
    IMAP = "imap", _("Email (IMAP)")
    FORM = "form", _("Web form")
    API = "api", _("API")


class Mode(models.TextChoices):
    NAMED = "named", _("Named")
    PSEUDONYMOUS = "pseudonymous", _("Pseudonymous")
    ANONYMOUS = "anonymous", _("Anonymous")


class InboundMessage(models.Model):
    """The exact bytes that arrived, stored before anything else happens."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PARSED = "parsed", _("Parsed")
        QUARANTINED = "quarantined", _("Quarantined")

    class Outcome(models.TextChoices):
        NONE = "", _("Not yet")
        REPORT = "report", _("Report")
        REPLY = "reply", _("Reply")
        NON_REPORT = "non_report", _("Not a report")

    sha256 = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mode = models.CharField(max_length=14, choices=Mode.choices, default=Mode.NAMED)
    envelope_from = models.TextField(blank=True, default="")
    envelope_to = models.JSONField(default=list, blank=True)
    # An mbox "From " line or the import path: where the bytes came from.
    envelope_extra = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(db_index=True)
    size = models.PositiveIntegerField()
    # Small messages inline; large ones in the content-addressed store under ``sha256``.
    raw_inline = models.BinaryField(null=True, blank=True)
    # Anonymous and pseudonymous mail is stored encrypted (tapecut.core.crypto).
    encrypted = models.BooleanField(default=False)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    message_id = models.CharField(max_length=998, blank=True, default="", db_index=True)
    parsed_at = models.DateTimeField(null=True, blank=True)
    # Set when retention or an erasure deleted the bytes and the envelope (tapecut.privacy).
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"InboundMessage {self.pk} ({self.channel}, {self.state})"

    def stored_bytes(self) -> bytes:
        """The bytes as stored (ciphertext when ``encrypted``)."""
        if self.raw_inline is not None:
            return bytes(self.raw_inline)
        return storage.get_blob(self.sha256)


class Reporter(models.Model):
    """Someone who reports. For pseudonymous and anonymous modes nothing here is plain text."""

    # Named reporters only: the normalised address in plain text.
    address = models.CharField(max_length=320, blank=True, default="", db_index=True)
    display_name = models.CharField(max_length=200, blank=True, default="")
    # HMAC of the normalised address under the server key: finds the same person again
    # without storing who they are.
    address_hmac = models.CharField(max_length=64, blank=True, default="", db_index=True)
    alias = models.CharField(max_length=40, blank=True, default="")
    identity_ciphertext = models.BinaryField(null=True, blank=True)
    mode = models.CharField(max_length=14, choices=Mode.choices, default=Mode.NAMED)
    language = models.CharField(max_length=8, blank=True, default="")
    unit = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address_hmac", "mode"],
                condition=~models.Q(address_hmac=""),
                name="reporter_unique_hmac_mode",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What the triage team may see."""
        return self.name_for(self.pk, self.mode, self.display_name, self.address, self.alias)

    @staticmethod
    def name_for(pk: int | None, mode: str, display_name: str, address: str, alias: str) -> str:
        """``public_name`` from plain column values (for lists read without model instances)."""
        if mode == Mode.NAMED:
            return display_name or address or (f"Reporter {pk}" if pk else "—")
        if mode == Mode.PSEUDONYMOUS:
            return alias or str(_("Pseudonymous reporter"))
        return str(_("Anonymous reporter"))


class Report(models.Model):
    """One problem someone reported, as the team reads it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    inbound = models.OneToOneField(
        InboundMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="report"
    )
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    mode = models.CharField(max_length=14, choices=Mode.choices, default=Mode.NAMED)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=500, blank=True, default="")
    text = models.TextField(blank=True, default="")
    # What the reporter did not write themselves, folded away in the UI.
    quoted_text = models.TextField(blank=True, default="")
    forwarded = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    message_id = models.CharField(max_length=998, blank=True, default="", db_index=True)
    # Subject without prefixes, lowercased: the fallback key for threading replies.
    thread_subject = models.CharField(max_length=500, blank=True, default="", db_index=True)
    receipt_hash = models.CharField(max_length=200, blank=True, default="")
    receipt_lookup = models.CharField(max_length=64, blank=True, default="", db_index=True)
    is_demo = models.BooleanField(default=False)
    received_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when retention or an erasure removed its raw mail, reporter identity and thread.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject[:60]}"

    @property
    def reporter_label(self) -> str:
        """Who reported it, as the team may see it: the same words whatever the channel
        ("Anonymous reporter" by mail and by web form alike)."""
        if self.reporter_id is not None and self.reporter is not None:
            return self.reporter.public_name
        return Reporter.name_for(None, self.mode, "", "", "")

    @property
    def is_email(self) -> bool:
        """Whether it came by mail (only then is there an original email to show)."""
        return self.channel in {Channel.SMTP, Channel.IMAP, Channel.IMPORT}


class FollowUp(models.Model):
    """A later message on a report: a reply by email, an answer on the receipt page, a question."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        TEAM = "team", _("Team")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followups")
    inbound = models.OneToOneField(
        InboundMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="followup"
    )
    author = models.CharField(max_length=10, choices=Author.choices, default=Author.REPORTER)
    text = models.TextField(blank=True, default="")
    quoted_text = models.TextField(blank=True, default="")
    message_id = models.CharField(max_length=998, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Follow-up {self.pk} on report {self.report_id}"


class MessageRef(models.Model):
    """A Message-ID that belongs to a report's thread (inbound, follow-ups, our own mail)."""

    message_id = models.CharField(max_length=998, unique=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="message_refs")

    def __str__(self) -> str:
        return self.message_id


class Attachment(models.Model):
    """A file that came with a message. Kept as a download only; never rendered or executed."""

    inbound = models.ForeignKey(
        InboundMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    filename = models.CharField(max_length=255, blank=True, default="")
    declared_type = models.CharField(max_length=255, blank=True, default="")
    sniffed_type = models.CharField(max_length=255, blank=True, default="")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    encrypted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.filename or self.sha256[:12]
