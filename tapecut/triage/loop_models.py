"""The loop's public side: a change's texts per language, "me too", followers, their news and
its stops, and owners named by address. Kept apart from the triage team's own models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tapecut.intake.models import Report, Reporter


class ChangeText(models.Model):
    """The change's title, problem and decision written in another language for the board and
    the news to reporters; readers see their language, else the change's own text."""

    change = models.ForeignKey("triage.Change", on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=8)
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    problem = models.TextField(_("problem"), blank=True, default="")
    decision = models.TextField(_("decision"), blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "language"], name="change_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.title}"


class MeToo(models.Model):
    """An employee says a change's problem hits them too: demand, never a name on the board."""

    change = models.ForeignKey("triage.Change", on_delete=models.CASCADE, related_name="me_too")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "user"], name="me_too_once")]

    def __str__(self) -> str:
        return f"me too on change {self.change_id}"


class Follow(models.Model):
    """An employee follows a change and hears of each step as its reporters do."""

    change = models.ForeignKey("triage.Change", on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The language of the page they followed from: their news comes in it.
    language = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"follows change {self.change_id}"


class FollowNews(models.Model):
    """One step of a change told to one follower (at most once, as for reporters)."""

    change = models.ForeignKey("triage.Change", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=12)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "user", "step"], name="follow_news_once")
        ]

    def __str__(self) -> str:
        return f"{self.step} of change {self.change_id}"


class NewsStop(models.Model):
    """A reporter pressed "stop news about this change" (one row per reporter, or per report
    where the reporter is unknown)."""

    change = models.ForeignKey("triage.Change", on_delete=models.CASCADE, related_name="news_stops")
    reporter = models.ForeignKey(Reporter, null=True, blank=True, on_delete=models.CASCADE)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"no more news of change {self.change_id}"


class ExternalOwner(models.Model):
    """A change's owner named by address, without an account: they act through a signed link
    that expires (tapecut.triage.owner_links). A new address makes the old links void."""

    change = models.OneToOneField(
        "triage.Change", on_delete=models.CASCADE, related_name="external_owner"
    )
    address = models.EmailField(max_length=320)
    # Raised with each new invitation: links carry it, so an older link stops working.
    version = models.PositiveIntegerField(default=1)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"owner of change {self.change_id} by link"
