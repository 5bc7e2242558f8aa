"""/api/v1/changes: what the team decided, who does it, by when, and how it ended.

Triagers and admins create and update any change; owners read and move their own. Moving a change
to done or declined tells every linked reporter once, exactly as in the web UI. A change made from
a theme links the theme's reports of that moment (``report_ids``); reports that join the theme
later are listed in ``proposed_report_ids`` until someone links them. A change's title, problem
and decision may also be written in each other language (``texts``, ``PUT .../texts/{lang}``).
"""

# No "from __future__ import annotations" here: django-ninja must resolve the query
# parameters' types when it builds the schema, and strings from this module defeat it.

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tapecut.accounts.permissions import can_edit_change, changes_for_user, require_api
from tapecut.analysis.models import Theme
from tapecut.intake.models import Report
from tapecut.triage import actions, linked, texts
from tapecut.triage.models import Change, ChangeReport, ChangeText

router = Router(tags=["changes"])

StatusName = Literal["proposed", "approved", "in_progress", "done", "declined"]


class TextOut(Schema):
    title: str
    problem: str
    decision: str


class ChangeOut(Schema):
    id: int
    title: str
    problem: str
    decision: str
    owner: str | None = Field(None, description="The owner's user name.")
    due_date: date | None
    status: StatusName
    decline_reason: str
    needs_attention: bool = Field(description="A reporter said it did not fix the problem.")
    report_ids: list[int] = Field(
        description="The reports this change answers: linked by hand, or in its themes when it "
        "was made. Later status moves and re-clustering leave them as they are."
    )
    theme_ids: list[int] = Field(description="The themes the change was made from.")
    linked_report_count: int = Field(
        description="len(report_ids): every count of a change's reports."
    )
    proposed_report_ids: list[int] = Field(
        description="Reports that joined the change's themes later: proposed, not linked, not told."
    )
    texts: dict[str, TextOut] = Field(
        description="The title, problem and decision written for other languages, by language "
        "code; readers of a language without one see the change's own text."
    )
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
    declined_at: datetime | None

    @staticmethod
    def resolve_owner(obj: Change) -> str | None:
        return obj.owner.get_username() if obj.owner else None

    @staticmethod
    def resolve_report_ids(obj: Change) -> list[int]:
        return sorted(link.report_id for link in obj.active_links)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_theme_ids(obj: Change) -> list[int]:
        return sorted(t.pk for t in obj.themes.all())

    @staticmethod
    def resolve_linked_report_count(obj: Change) -> int:
        return len(obj.active_links)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_texts(obj: Change) -> dict[str, ChangeText]:
        return {t.language: t for t in obj.texts.all()}

    @staticmethod
    def resolve_proposed_report_ids(obj: Change) -> list[int]:
        return list(linked.proposed_reports(obj).values_list("id", flat=True)[:1000])


class ChangeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    problem: str = Field("", max_length=20_000)
    decision: str = Field("", max_length=20_000)
    owner: str | None = Field(None, description="User name of the owner.")
    due_date: date | None = None
    report_ids: list[int] = Field(default_factory=list, max_length=10_000)
    theme_ids: list[int] = Field(default_factory=list, max_length=1_000)


class LinkIn(Schema):
    report_ids: list[int] = Field(..., min_length=1, max_length=10_000)
    reason: str = Field("", max_length=2_000, description="Why; required to remove.")


class TextIn(Schema):
    title: str = Field("", max_length=200)
    problem: str = Field("", max_length=20_000)
    decision: str = Field("", max_length=20_000)


class StatusIn(Schema):
    status: StatusName
    reason: str = Field("", max_length=5_000, description="Needed to decline; reporters read it.")


class Error(Schema):
    detail: str


def _changes(user: Any) -> QuerySet[Change]:
    active = Prefetch("report_links", ChangeReport.objects.active(), to_attr="active_links")
    return changes_for_user(
        user, Change.objects.select_related("owner").prefetch_related(active, "themes", "texts")
    )


def _owner(username: str | None) -> Any:
    if not username:
        return None
    owner = get_user_model().objects.filter(username=username, is_active=True).first()
    if owner is None:
        raise HttpError(400, f"No active user is called {username!r}.")
    return owner


def _existing(model: Any, ids: list[int], what: str) -> list[Any]:
    found = list(model.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {obj.pk for obj in found})
    if missing:
        raise HttpError(400, f"Unknown {what}: {missing[:20]}")
    return found


@router.post("", response={201: ChangeOut, 400: Error, 403: Error}, summary="Create a change")
def create_change(request: HttpRequest, body: ChangeIn) -> Any:
    require_api(request, "manage_changes")
    try:
        change = actions.do_create_change(
            title=body.title,
            problem=body.problem,
            decision=body.decision,
            owner=_owner(body.owner),
            due_date=body.due_date,
            reports=_existing(Report, body.report_ids, "reports"),
            themes=_existing(Theme, body.theme_ids, "themes"),
            actor=request.user,
        )
    except actions.TriageError as exc:
        raise HttpError(400, str(exc)) from None
    return 201, _changes(request.user).get(pk=change.pk)


@router.get("", response=list[ChangeOut], summary="List changes (owners: their own)")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_changes(request: HttpRequest, status: StatusName | None = None) -> Any:
    require_api(request, "see_changes")
    changes = _changes(request.user).order_by("-updated_at", "-id")
    return changes.filter(status=status) if status else changes


@router.get("/{change_id}", response=ChangeOut, summary="One change")
def get_change(request: HttpRequest, change_id: int) -> Change:
    require_api(request, "see_changes")
    return get_object_or_404(_changes(request.user), pk=change_id)


@router.post(
    "/{change_id}/status",
    response={200: ChangeOut, 400: Error, 403: Error},
    summary="Move a change to another status",
)
def change_status(request: HttpRequest, change_id: int, body: StatusIn) -> Any:
    require_api(request, "see_changes")
    change = get_object_or_404(_changes(request.user), pk=change_id)
    if not can_edit_change(request.user, change):
        raise HttpError(403, "Only the owner, a triager or an admin may move this change.")
    try:
        actions.do_change_status(change, body.status, actor=request.user, reason=body.reason)
    except actions.TriageError as exc:
        raise HttpError(400, str(exc)) from None
    return 200, _changes(request.user).get(pk=change.pk)


def _editable(request: HttpRequest, change_id: int) -> Change:
    require_api(request, "manage_changes")
    return get_object_or_404(_changes(request.user), pk=change_id)


@router.post(
    "/{change_id}/reports",
    response={200: ChangeOut, 400: Error, 403: Error},
    summary="Link reports to a change (audited)",
)
def link_reports(request: HttpRequest, change_id: int, body: LinkIn) -> Any:
    change = _editable(request, change_id)
    reports = _existing(Report, body.report_ids, "reports")
    actions.do_link_change(change, actor=request.user, reports=reports, reason=body.reason)
    return 200, _changes(request.user).get(pk=change.pk)


@router.post(
    "/{change_id}/reports/remove",
    response={200: ChangeOut, 400: Error, 403: Error},
    summary="Take reports off a change, with a reason (audited)",
)
def unlink_reports(request: HttpRequest, change_id: int, body: LinkIn) -> Any:
    change = _editable(request, change_id)
    reports = _existing(Report, body.report_ids, "reports")
    try:
        actions.do_unlink_reports(change, reports, actor=request.user, reason=body.reason)
    except actions.TriageError as exc:
        raise HttpError(400, str(exc)) from None
    return 200, _changes(request.user).get(pk=change.pk)


@router.put(
    "/{change_id}/texts/{lang}",
    response={200: ChangeOut, 400: Error, 403: Error},
    summary="Write the change's title, problem and decision in one language (audited)",
)
def put_text(request: HttpRequest, change_id: int, lang: str, body: TextIn) -> Any:
    """``lang`` is one of the installation's languages (``en``, ``de``). Empty fields fall back
    to the change's own text; all three empty removes that language's text. Owners may write
    their own changes' texts, triagers and admins any."""
    require_api(request, "see_changes")
    change = get_object_or_404(_changes(request.user), pk=change_id)
    if not can_edit_change(request.user, change):
        raise HttpError(403, "Only the owner, a triager or an admin may edit this change.")
    languages = [code for code, _name in settings.LANGUAGES]
    if lang not in languages:
        raise HttpError(400, f"Unknown language {lang!r}; one of: {', '.join(languages)}.")
    texts.do_set_text(
        change,
        lang,
        actor=request.user,
        title=body.title,
        problem=body.problem,
        decision=body.decision,
    )
    return _changes(request.user).get(pk=change.pk)
