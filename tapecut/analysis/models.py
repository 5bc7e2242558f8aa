"""What the analysis stages learn about reports: themes, duplicates, categories, impact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tapecut.analysis.link_reasons import reason_shown
from tapecut.analysis.stages.impact_assumptions import assumptions_shown
from tapecut.intake.models import Report


class Category(models.Model):
    """One entry of the red-tape taxonomy (configurable; a default ships with Tapecut)."""

    slug = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=100)
    name_de = models.CharField(max_length=100, blank=True, default="")
    description_en = models.TextField(blank=True, default="")
    description_de = models.TextField(blank=True, default="")
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the language of the page (German where one is given)."""
        return self.name_for(self.name_en, self.name_de)

    @staticmethod
    def name_for(name_en: str, name_de: str) -> str:
        """``name`` from plain column values (for lists read without model instances)."""
        german = (get_language() or "").startswith("de")
        return name_de if german and name_de else name_en


class Theme(models.Model):
    """A group of reports about one problem."""

    class TitleSource(models.TextChoices):
        NONE = "", _("Keywords")
        REPORT = "report", _("From its most representative report")
        MODEL = "model", _("Written by a language model")
        TEAM = "team", _("Typed by the team")

    title = models.CharField(max_length=200, blank=True, default="")
    title_source = models.CharField(
        max_length=8, choices=TitleSource.choices, blank=True, default=""
    )
    # Titles from the most representative report in each language the theme has reports in.
    titles = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True, default="")
    keywords = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    centroid = models.BinaryField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    hours_per_year = models.FloatField(default=0.0)
    # report_count when the title, summary and keywords were last written (relabel when it grows).
    labelled_count = models.PositiveIntegerField(default=0)
    # Set when the team decided what belongs here (created, renamed, merged or split by hand):
    # re-clustering then leaves every report of the theme where it is.
    curated_at = models.DateTimeField(null=True, blank=True)
    # A theme merged into another keeps its row (without reports) so the merge can be undone.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-report_count", "-id"]

    # The columns a theme's name is made of: lists that load only these stay cheap (no centroid)
    # and name every theme in the reader's language without a query per theme.
    LABEL_FIELDS = ("id", "title", "title_source", "titles", "keywords")

    def __str__(self) -> str:
        """The name in the language of the page."""
        return self.label_in()

    @staticmethod
    def label_for(
        pk: int | None,
        title: str,
        keywords: list[str] | None,
        titles: dict[str, str] | None = None,
        source: str = "",
        language: str | None = None,
    ) -> str:
        """The theme's name from plain column values (for lists built from rows): a title the
        team typed or a model wrote; else the title from a report in the reader's language
        (``language``, by default the page's) where the theme has one; else its stored title,
        else its first keywords."""
        stored = title or ", ".join((keywords or [])[:3]) or gettext("Theme %(n)s") % {"n": pk}
        if source in {Theme.TitleSource.TEAM, Theme.TitleSource.MODEL} or not titles:
            return stored
        base = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
        return titles.get(base) or stored

    @property
    def label(self) -> str:
        return str(self)

    def label_in(self, language: str | None = None) -> str:
        """The name for a reader of ``language``, by default the page's (``label_for`` this
        theme's columns)."""
        return self.label_for(
            self.pk, self.title, self.keywords, self.titles, self.title_source, language
        )


class ReportAnalysis(models.Model):
    """One row per report: what every stage found."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="analysis")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    language = models.CharField(max_length=8, blank=True, default="")
    redacted_text = models.TextField(blank=True, default="")
    embedding = models.BinaryField(null=True, blank=True)
    embedder = models.CharField(max_length=100, blank=True, default="")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_confidence = models.FloatField(default=0.0)
    # Set when a person chose the category: a training example for the classifier.
    category_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_confirmed_at = models.DateTimeField(null=True, blank=True)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="analyses"
    )
    # Set when a person put the report in its theme: re-clustering leaves it there.
    theme_pinned_at = models.DateTimeField(null=True, blank=True)
    # Where re-clustering would put a report it may not move (shown to the team to decide).
    proposed_theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours_per_year = models.FloatField(null=True, blank=True)
    impact = models.JSONField(default=dict, blank=True)  # parsed figures + evidence spans
    redactions = models.JSONField(default=dict, blank=True)  # how many of each kind were replaced
    error = models.TextField(blank=True, default="")
    analysed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Each new report asks whether the vector index and the classifier are still up
            # to date; without these, each question read every analysis with its vector.
            models.Index(
                fields=["embedder", "analysed_at", "report"],
                name="analysis_vectors_idx",
                condition=models.Q(embedding__isnull=False),
            ),
            models.Index(
                fields=["category_confirmed_at"],
                name="analysis_confirmed_idx",
                condition=models.Q(category_confirmed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis of report {self.report_id}"

    @property
    def impact_assumptions(self) -> list[str]:
        """What the hours estimate assumed, in the reader's language (stored as keys)."""
        return assumptions_shown((self.impact or {}).get("assumptions") or [])


class DuplicateLink(models.Model):
    """Two reports about the same thing: a suggestion, or a merge (which can be undone)."""

    class Kind(models.TextChoices):
        LEXICAL = "lexical", _("Near-identical text")
        SEMANTIC = "semantic", _("Same problem, other words")
        MANUAL = "manual", _("Merged by hand")

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Rejected")
        UNMERGED = "unmerged", _("Unmerged")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="duplicate_links")
    # The canonical report this one duplicates (the older one).
    original = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="duplicated_by")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    score = models.FloatField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    reason = models.TextField(blank=True, default="")
    # The report's status before a merge, restored by an unmerge.
    status_before = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "original"], name="duplicate_pair_unique")
        ]
        indexes = [models.Index(fields=["state", "-score"])]

    def __str__(self) -> str:
        return f"{self.report_id} ~ {self.original_id} ({self.kind} {self.score:.2f}, {self.state})"

    @property
    def reason_shown(self) -> str:
        """The reason with Tapecut's own words in the reader's language (link_reasons)."""
        return reason_shown(self.reason)


class LshBand(models.Model):
    """MinHash LSH band hashes in an indexed table, so that every worker shares the index."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    bucket = models.BigIntegerField()

    class Meta:
        # Used by tapecut.analysis.stages.lexical.stored_candidates: buckets mix in the band
        # number, so one lookup by bucket finds every report that shares a band.
        indexes = [models.Index(fields=["bucket"], name="lshband_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.band}:{self.bucket}"


class LanguageMean(models.Model):
    """The sum of one language's stored vectors: themes compare reports with each language's
    mean removed, so that texts about one problem meet whatever language they are in."""

    embedder = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)
    total = models.BinaryField()  # float64 sum of the unit vectors
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["embedder", "language"], name="language_mean_unique")
        ]

    def __str__(self) -> str:
        return f"{self.embedder}:{self.language} ({self.count})"


class ThemeEdit(models.Model):
    """One theme operation by a person, with what it changed, so that it can be undone."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Created")
        RENAME = "rename", _("Renamed")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Reports moved")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    theme = models.ForeignKey(Theme, null=True, on_delete=models.SET_NULL, related_name="edits")
    # {"reports": {analysis id: [theme before, pinned before]}, "themes": {id: fields before},
    #  "created": [theme ids]}
    before = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} theme {self.theme_id}"
