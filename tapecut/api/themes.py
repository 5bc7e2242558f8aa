"""/api/v1/themes: the groups of reports analysis found, with their figures, and the team's
theme operations (create, rename, move reports, merge, split, accept re-clustering's proposed
moves, undo), which re-clustering keeps.
"""

# No "from __future__ import annotations" here: django-ninja must resolve the query
# parameters' types when it builds the schema, and strings from this module defeat it.

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tapecut.accounts.permissions import require_api
from tapecut.analysis import curation
from tapecut.analysis.models import ReportAnalysis, Theme, ThemeEdit

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
    title_source: str = Field(
        description="Where the title comes from: 'team' (typed; kept by re-clustering), "
        "'model', 'report' (its most representative report) or '' (keywords only)."
    )
    titles: dict[str, str] = Field(description="Title from a report, per language.")
    curated: bool = Field(description="The team decided its reports; re-clustering keeps them.")
    report_ids: list[int] = Field(description="The reports in this theme now.")
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

    @staticmethod
    def resolve_report_ids(obj: Theme) -> list[int]:
        return sorted(a.report_id for a in obj.analyses.all())

    @staticmethod
    def resolve_curated(obj: Theme) -> bool:
        return obj.curated_at is not None


class Error(Schema):
    detail: str


class TitleIn(Schema):
    title: str = Field(min_length=1, max_length=200)


class ReportsIn(Schema):
    report_ids: list[int] = Field(min_length=1, max_length=10_000)


class AcceptIn(Schema):
    report_ids: list[int] | None = Field(
        None,
        max_length=10_000,
        description="The proposed reports to accept; left out: every proposal for this theme.",
    )


class CreateIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    report_ids: list[int] = Field(default_factory=list, max_length=10_000)


class MergeIn(Schema):
    theme_id: int = Field(description="The theme whose reports join this one.")


class SplitIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    report_ids: list[int] = Field(min_length=1, max_length=10_000)


class EditOut(Schema):
    id: int = Field(description="Pass to POST /themes/edits/{id}/undo to undo it.")
    kind: str
    theme_id: int | None
    created_at: datetime
    undone_at: datetime | None


def _themes() -> QuerySet[Theme]:
    return (
        Theme.objects.select_related("category")
        .prefetch_related(
            "changes",
            Prefetch("analyses", ReportAnalysis.objects.only("id", "report_id", "theme_id")),
        )
        .annotate(reports=Count("analyses"))
    )


@contextmanager
def _refused_as_400() -> Iterator[None]:
    """A theme operation the curation refuses is the caller's mistake: 400 with the reason."""
    try:
        yield
    except curation.ThemeError as exc:
        raise HttpError(400, str(exc)) from None


def _theme(theme_id: int) -> Theme:
    return get_object_or_404(_themes(), pk=theme_id)


@router.get("", response=list[ThemeOut], summary="List themes, largest first")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_themes(request: HttpRequest) -> Any:
    require_api(request, "triage")
    return _themes().order_by("-reports", "-id")


@router.get("/{theme_id}", response=ThemeOut, summary="One theme")
def get_theme(request: HttpRequest, theme_id: int) -> Theme:
    require_api(request, "triage")
    return get_object_or_404(_themes(), pk=theme_id)


@router.post("", response={201: ThemeOut, 400: Error, 403: Error}, summary="Create a theme")
def create_theme(request: HttpRequest, body: CreateIn) -> Any:
    """A theme named by the team, with the chosen reports moved into it (kept on re-clustering)."""
    require_api(request, "triage")
    with _refused_as_400():
        theme = curation.do_create_theme(body.title, body.report_ids, actor=request.user)
    return 201, _theme(theme.pk)


@router.patch("/{theme_id}", response={200: ThemeOut, 400: Error, 403: Error}, summary="Rename")
def rename_theme(request: HttpRequest, theme_id: int, body: TitleIn) -> Any:
    """The team's title wins over any other and survives re-clustering."""
    require_api(request, "triage")
    with _refused_as_400():
        curation.do_rename_theme(_theme(theme_id), body.title, actor=request.user)
    return _theme(theme_id)


@router.post(
    "/{theme_id}/reports",
    response={200: ThemeOut, 400: Error, 403: Error},
    summary="Move reports into the theme",
)
def move_reports(request: HttpRequest, theme_id: int, body: ReportsIn) -> Any:
    """The reports join this theme and stay there when themes are re-clustered."""
    require_api(request, "triage")
    with _refused_as_400():
        curation.do_move_reports(_theme(theme_id), body.report_ids, actor=request.user)
    return _theme(theme_id)


@router.post(
    "/{theme_id}/proposals/accept",
    response={200: ThemeOut, 400: Error, 403: Error},
    summary="Accept re-clustering's proposed moves into the theme",
)
def accept_proposals(request: HttpRequest, theme_id: int, body: AcceptIn) -> Any:
    """Moves the reports re-clustering proposes for this theme (all, or ``report_ids``) into it,
    as a move by hand: they stay on re-clustering, and ``POST /themes/edits/{id}/undo`` undoes
    the step (``GET /themes/{id}/edits``). ``400`` when one of them is not proposed here."""
    require_api(request, "triage")
    with _refused_as_400():
        curation.do_accept_proposals(_theme(theme_id), body.report_ids, actor=request.user)
    return _theme(theme_id)


@router.post(
    "/{theme_id}/merge",
    response={200: ThemeOut, 400: Error, 403: Error},
    summary="Merge another theme into this one",
)
def merge_themes(request: HttpRequest, theme_id: int, body: MergeIn) -> Any:
    require_api(request, "triage")
    with _refused_as_400():
        curation.do_merge_themes(_theme(theme_id), _theme(body.theme_id), actor=request.user)
    return _theme(theme_id)


@router.post(
    "/{theme_id}/split",
    response={201: ThemeOut, 400: Error, 403: Error},
    summary="Split chosen reports into a new theme",
)
def split_theme(request: HttpRequest, theme_id: int, body: SplitIn) -> Any:
    """Returns the new theme."""
    require_api(request, "triage")
    with _refused_as_400():
        new = curation.do_split_theme(
            _theme(theme_id), body.report_ids, body.title, actor=request.user
        )
    return 201, _theme(new.pk)


@router.get("/{theme_id}/edits", response=list[EditOut], summary="The theme's operations")
def theme_edits(request: HttpRequest, theme_id: int) -> Any:
    require_api(request, "triage")
    return ThemeEdit.objects.filter(theme_id=theme_id).order_by("-id")[:100]


@router.post(
    "/edits/{edit_id}/undo", response={200: EditOut, 400: Error, 403: Error}, summary="Undo"
)
def undo_edit(request: HttpRequest, edit_id: int) -> Any:
    require_api(request, "triage")
    edit = get_object_or_404(ThemeEdit, pk=edit_id)
    with _refused_as_400():
        return curation.do_undo_theme_edit(edit, actor=request.user)
