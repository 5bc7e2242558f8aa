"""Forms of the triage workspace (validation and clear errors; rendering is in templates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tapecut.analysis.models import Category, Theme
from tapecut.intake.models import Channel, Mode, Report
from tapecut.triage.models import Change
from tapecut.triage.widgets import (
    Choices,
    QuickDateInput,
    QuickSelect,
    QuickTextInput,
    themes_for_choice,
)

EMPTY: list[tuple[str, Any]] = [("", "—")]
# <input type="date"> takes ISO dates only, whatever the page's language.
ISO_DATE = "%Y-%m-%d"
STATUSES: list[tuple[str, Any]] = list(Report.Status.choices)
CHANNELS: list[tuple[str, Any]] = list(Channel.choices)
MODES: list[tuple[str, Any]] = list(Mode.choices)


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=QuickTextInput)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=EMPTY + STATUSES, widget=QuickSelect
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        widget=QuickSelect,
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=themes_for_choice(), required=False, widget=QuickSelect
    )
    language = forms.CharField(
        label=_("Language"), required=False, max_length=8, widget=QuickTextInput
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=EMPTY + CHANNELS, widget=QuickSelect
    )
    mode = forms.ChoiceField(
        label=_("Identity"), required=False, choices=EMPTY + MODES, widget=QuickSelect
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}, format=ISO_DATE),
    )

    def __init__(self, *args: Any, themes: Choices | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if themes is not None:  # the view's list, shared with the bulk form: one query
            # Only its ready markup: setting ``widget.choices`` would normalise every theme.
            self.fields["theme"].widget.prepared = themes

    def apply(self, reports: QuerySet[Report]) -> QuerySet[Report]:
        data = self.cleaned_data if self.is_valid() else {}
        for field, lookup in (
            ("status", "status"),
            ("category", "analysis__category"),
            ("theme", "analysis__theme"),
            ("language", "language"),
            ("channel", "channel"),
            ("mode", "mode"),
            ("since", "received_at__date__gte"),
            ("until", "received_at__date__lte"),
        ):
            if data.get(field):
                reports = reports.filter(**{lookup: data[field]})
        return search(reports, data.get("q", ""))


def search(reports: QuerySet[Report], query: str) -> QuerySet[Report]:
    query = query.strip()
    if not query:
        return reports
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("subject", "text", config="simple")
        return reports.annotate(search=vector).filter(
            search=SearchQuery(query, config="simple", search_type="websearch")
        )
    # SQLite: every word must appear in the subject or the text.
    for word in query.split()[:10]:
        reports = reports.filter(Q(subject__icontains=word) | Q(text__icontains=word))
    return reports


class BulkForm(forms.Form):
    reports = forms.ModelMultipleChoiceField(queryset=Report.objects.all())
    theme = forms.ModelChoiceField(queryset=Theme.objects.all(), required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    status = forms.ChoiceField(required=False, choices=EMPTY + STATUSES)
    # A triager's id, or "none" to take the reports off anyone's list.
    assignee = forms.CharField(required=False, max_length=20)

    def clean_assignee(self) -> Any:
        from tapecut.triage.assignments import triagers

        value = self.cleaned_data.get("assignee", "")
        if value in {"", "none"}:
            return value
        found = triagers().filter(pk=int(value)).first() if value.isdigit() else None
        if found is None:
            raise forms.ValidationError(_("Only a triager can be assigned a report."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields = ("theme", "category", "status", "assignee")
        if not any(data.get(f) for f in fields) and not self.errors:
            raise forms.ValidationError(
                _("Choose a theme, a category, a status or a triager to set.")
            )
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)


def owner_choices() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=["owner", "triager"]) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class ChangeForm(forms.ModelForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=owner_choices(), required=False)

    class Meta:
        model = Change
        fields = ["title", "problem", "decision", "owner", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
            "problem": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 4}),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Change.Status.choices)
    reason = forms.CharField(
        label=_("Reason (the reporters will read it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=owner_choices(), required=False)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class MergeForm(forms.Form):
    original = forms.ModelChoiceField(label=_("Merge into report #"), queryset=Report.objects.all())
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class FeedbackForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Did this fix it?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to add (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
