"""/api/v1/merges: duplicate suggestions and merges, each decision with its reason kept."""

# No "from __future__ import annotations" here: django-ninja must resolve the query
# parameters' types when it builds the schema, and strings from this module defeat it.

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tapecut.accounts.permissions import require_api
from tapecut.analysis.models import DuplicateLink
from tapecut.intake.models import Report
from tapecut.triage import review
from tapecut.triage.actions import TriageError

router = Router(tags=["merges"])

StateName = Literal["suggested", "merged", "rejected", "unmerged"]


class MergeOut(Schema):
    id: int
    report_id: int = Field(description="The duplicate.")
    original_id: int = Field(description="The report it duplicates (the older one).")
    kind: str
    score: float
    state: StateName
    reason: str
    created_at: datetime
    decided_at: datetime | None


class MergeIn(Schema):
    report_id: int = Field(description="The duplicate to merge.")
    original_id: int = Field(description="The report to merge it into.")
    reason: str = Field("", max_length=2_000)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2_000)


class Error(Schema):
    detail: str


def _links() -> QuerySet[DuplicateLink]:
    return DuplicateLink.objects.all()


def _decide(request: HttpRequest, fn: Any) -> DuplicateLink:
    require_api(request, "triage")
    try:
        link: DuplicateLink = fn()
    except (TriageError, ValueError) as exc:
        raise HttpError(400, str(exc)) from None
    link.refresh_from_db()
    return link


@router.get("", response=list[MergeOut], summary="List duplicate links, best first")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_merges(request: HttpRequest, state: StateName | None = None) -> Any:
    require_api(request, "triage")
    links = _links().order_by("-score", "-id")
    return links.filter(state=state) if state else links


@router.post("", response={200: MergeOut, 400: Error, 403: Error}, summary="Merge two reports")
def merge(request: HttpRequest, body: MergeIn) -> Any:
    def run() -> DuplicateLink:
        report = get_object_or_404(Report, pk=body.report_id)
        original = get_object_or_404(Report, pk=body.original_id)
        review.do_merge_into(report, original, actor=request.user, reason=body.reason)
        return _links().get(report=report, original=original)

    return 200, _decide(request, run)


@router.post(
    "/{link_id}/unmerge",
    response={200: MergeOut, 400: Error, 403: Error},
    summary="Undo a merge (a reason is required)",
)
def unmerge(request: HttpRequest, link_id: int, body: ReasonIn) -> Any:
    def run() -> DuplicateLink:
        link = get_object_or_404(_links(), pk=link_id)
        review.do_unmerge(link, actor=request.user, reason=body.reason)
        return link

    return 200, _decide(request, run)


@router.post(
    "/{link_id}/reject",
    response={200: MergeOut, 400: Error, 403: Error},
    summary="Not a duplicate",
)
def reject(request: HttpRequest, link_id: int, body: ReasonIn) -> Any:
    def run() -> DuplicateLink:
        link = get_object_or_404(_links(), pk=link_id)
        review.do_reject_duplicate(link, actor=request.user, reason=body.reason)
        return link

    return 200, _decide(request, run)
