"""Triage: what the team decides (Change), what it writes down, and whom it tells (Notice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tapecut.analysis.models import Theme
from tapecut.intake.models import FollowUp, Report, Reporter


class Change(models.Model):
    """A decision about a problem: what changes, who does it, by when, and how it ended."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), blank=True, default="")
    decision = models.TextField(_("decision"), blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_changes",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    # Shown to every reporter when the change is declined: written for them, not for the team.
    decline_reason = models.TextField(_("reason for declining"), blank=True, default="")
    # The themes a change was made from. They do not link reports by themselves: their reports
    # were linked when the change was made (ChangeReport); later arrivals are only proposed.
    themes = models.ManyToManyField(Theme, blank=True, related_name="changes")
    # Set when a reporter answers "no, it did not fix it": the team must look again.
    needs_attention = models.BooleanField(default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    # ``tapecut remind`` writes at most one reminder a day per change.
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.DECLINED}


class ChangeReportQuerySet(models.QuerySet["ChangeReport"]):
    def active(self) -> ChangeReportQuerySet:
        """Links in force; a removed link stays as a row to remember who removed it and why."""
        return self.filter(removed_at__isnull=True)


class ChangeReport(models.Model):
    """One report a change answers, linked explicitly: who linked it, when, why, and if removed.

    Every count of a change's reports reads these rows (``tapecut.triage.linked``), so the
    change list, the change page, the exports, the API and the dashboard agree.
    """

    class Source(models.TextChoices):
        THEME = "theme", _("In the theme when the change was made")
        HAND = "hand", _("Linked by hand")
        PROPOSAL = "proposal", _("Accepted from the theme's new reports")
        BACKFILL = "backfill", _("Linked before links were explicit")

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="report_links")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="change_links")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HAND)
    reason = models.TextField(blank=True, default="")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.TextField(blank=True, default="")

    objects = ChangeReportQuerySet.as_manager()

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "report"], name="change_report_once")
        ]
        indexes = [
            # tapecut.triage.linked.linked_report_ids_anywhere: re-clustering leaves these alone.
            models.Index(
                fields=["report"],
                condition=models.Q(removed_at__isnull=True),
                name="change_report_active",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.report_id} in change {self.change_id}"


class Evidence(models.Model):
    """What shows the change happened: a note, a link or a file (downloaded, never rendered)."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField(blank=True, default="")
    url = models.URLField(max_length=2000, blank=True, default="")
    filename = models.CharField(max_length=255, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.filename or self.url or self.text[:60]


class Assignment(models.Model):
    """Who on the triage team looks after a report (the inbox's "mine" view). One at most."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="assignment")
    triager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"#{self.report_id} → {self.triager_id}"


class Note(models.Model):
    """An internal note on a report or a change. Never shown to reporters."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    change = models.ForeignKey(
        Change, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Question(models.Model):
    """A question the team asked a reporter; the reporter reads it as a team follow-up."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="questions")
    followup = models.OneToOneField(FollowUp, on_delete=models.CASCADE, related_name="question")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:60]


class Notice(models.Model):
    """One message to one reporter. The unique constraints make sure nobody is told twice.

    Sending is at most once: a worker claims the row (``sending``) and commits before it hands
    the mail to the server, and only then marks it ``sent``. A worker killed in between leaves the
    row ``sending``; it is never retried by itself, because the mail may have gone out. An admin
    sees such rows in the audit page and can resend by hand.
    """

    class Kind(models.TextChoices):
        ACK = "ack", _("Acknowledgement")
        QUESTION = "question", _("Question")
        OUTCOME = "outcome", _("Outcome of a change")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        RECEIPT = "receipt", _("Receipt page")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    change = models.ForeignKey(
        Change, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notices")
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=8, blank=True, default="")
    # For outcome notices: the step of the change it tells of (approved, in_progress, done,
    # declined). Each reporter hears of each step once (tapecut.triage.steps).
    step = models.CharField(max_length=12, blank=True, default="")
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.PENDING, db_index=True
    )
    # The team follow-up that shows this notice on the receipt page (anonymous reporters).
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_id = models.CharField(max_length=998, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A reporter behind several linked reports hears about each step of a change once.
            models.UniqueConstraint(
                fields=["change", "reporter", "step"],
                condition=models.Q(kind="outcome", reporter__isnull=False),
                name="notice_once_per_step_reporter",
            ),
            # Reports without a known reporter: once per report and step.
            models.UniqueConstraint(
                fields=["change", "report", "step"],
                condition=models.Q(kind="outcome", reporter__isnull=True),
                name="notice_once_per_step_report",
            ),
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(kind="ack"), name="notice_one_ack"
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(kind="question"),
                name="notice_once_per_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice {self.pk} ({self.channel}, {self.state})"


class FixFeedback(models.Model):
    """A reporter's answer to "did this fix it?", one per notice (a later answer replaces it)."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="feedback")
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="feedback")
    answer = models.CharField(max_length=3, choices=Answer.choices)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.answer} on change {self.change_id}"


class SavedView(models.Model):
    """A named set of inbox filters, per user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class OriginalCopy(models.Model):
    """The original email made safe to show, prepared once when the message is processed.

    Opening the page reads this row: it never parses or sanitises the message again, so a
    hostile mail costs its work once, bounded, in the worker (tapecut.triage.original). It is a
    copy of the raw message and is deleted with it (retention, erasure).
    """

    inbound = models.OneToOneField(
        "intake.InboundMessage", on_delete=models.CASCADE, related_name="display_copy"
    )
    headers = models.JSONField(default=list, blank=True)
    html = models.TextField(blank=True, default="")  # sanitised
    text = models.TextField(blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    # Why the copy is reduced (HTML cut, flattened or shown as text only); empty when it is not.
    note = models.CharField(max_length=200, blank=True, default="")
    made_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Original copy of inbound {self.inbound_id}"


# The loop's models live in their own module; imported here so that Django registers them
# and ``tapecut.triage.models`` stays the one place to import any triage model from.
from tapecut.triage.loop_models import (  # noqa: E402
    ChangeText,
    ExternalOwner,
    Follow,
    FollowNews,
    MeToo,
    NewsStop,
)

__all__ = [
    "Assignment",
    "Change",
    "ChangeReport",
    "ChangeReportQuerySet",
    "ChangeText",
    "Evidence",
    "ExternalOwner",
    "FixFeedback",
    "Follow",
    "FollowNews",
    "MeToo",
    "NewsStop",
    "Note",
    "Notice",
    "OriginalCopy",
    "Question",
    "SavedView",
]
