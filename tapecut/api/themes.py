"""/api/v1/themes: the groups of reports analysis found, with their figures (read only)."""

# No "from __future__ import annotations" here: django-ninja must resolve the query
# parameters' types when it builds the schema, and strings from this module defeat it.

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tapecut.analysis.models import Theme
from tapecut.triage.access import require_api

router = Router(tags=["themes"])


class ThemeOut(Schema):
    id: int
    title: str
    summary: str
    keywords: list[str]
    language: str
    category: str | None = Field(None, description="The category's slug.")
    report_count: int = Field(description="Reports in this theme now.")
    hours_per_year: float = Field(description="Estimated working hours lost per year.")
    change_ids: list[int]
    updated_at: datetime

    @staticmethod
    def resolve_category(obj: Theme) -> str | None:
        return obj.category.slug if obj.category else None

    @staticmethod
    def resolve_report_count(obj: Theme) -> int:
        return int(getattr(obj, "reports", obj.report_count))

    @staticmethod
    def resolve_change_ids(obj: Theme) -> list[int]:
        return sorted(c.pk for c in obj.changes.all())


def _themes() -> QuerySet[Theme]:
    return (
        Theme.objects.select_related("category")
        .prefetch_related("changes")
        .annotate(reports=Count("analyses"))
    )


@router.get("", response=list[ThemeOut], summary="List themes, largest first")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_themes(request: HttpRequest) -> Any:
    require_api(request, "triage")
    return _themes().order_by("-reports", "-id")


@router.get("/{theme_id}", response=ThemeOut, summary="One theme")
def get_theme(request: HttpRequest, theme_id: int) -> Theme:
    require_api(request, "triage")
    return get_object_or_404(_themes(), pk=theme_id)
