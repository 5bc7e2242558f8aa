"""/api/v1/reports: submit a report, list reports with filters, read one.

What goes out is what the triage team may see: for pseudonymous and anonymous reports an alias
or nothing, never an address or a name (the stored text was scrubbed on arrival).
"""

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tapecut.accounts.permissions import require_api
from tapecut.custody.actions import do_submit_report
from tapecut.intake.form import Upload, has_line_break
from tapecut.intake.models import Channel, Mode, Report

router = Router(tags=["reports"])

ModeName = Literal["named", "pseudonymous", "anonymous"]


class ReporterOut(Schema):
    label: str = Field(description="What the team sees: a name, an alias or 'Anonymous'.")
    mode: ModeName
    address: str | None = Field(None, description="Named reporters only.")


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int


class FollowUpOut(Schema):
    author: Literal["reporter", "team"]
    text: str
    created_at: datetime


class ReportOut(Schema):
    id: int
    subject: str
    status: str
    channel: str
    mode: ModeName
    language: str
    received_at: datetime
    reporter: ReporterOut | None
    theme_id: int | None = Field(None, description="The theme the report is in now.")
    proposed_theme_id: int | None = Field(
        None,
        description="Where re-clustering proposes to move it (a report the team placed or a "
        "change answers); accept with POST /themes/{id}/proposals/accept.",
    )

    @staticmethod
    def resolve_theme_id(obj: Report) -> int | None:
        analysis = getattr(obj, "analysis", None)  # None when the report is not analysed yet
        return analysis.theme_id if analysis is not None else None

    @staticmethod
    def resolve_proposed_theme_id(obj: Report) -> int | None:
        analysis = getattr(obj, "analysis", None)
        return analysis.proposed_theme_id if analysis is not None else None

    @staticmethod
    def resolve_reporter(obj: Report) -> dict[str, Any] | None:
        reporter = obj.reporter
        if reporter is None:
            return None
        named = reporter.mode == Mode.NAMED
        return {
            "label": reporter.public_name,
            "mode": reporter.mode,
            "address": reporter.address if named else None,
        }


class ReportDetailOut(ReportOut):
    text: str
    quoted_text: str
    forwarded: list[dict[str, str]]
    attachments: list[AttachmentOut]
    followups: list[FollowUpOut]

    @staticmethod
    def resolve_attachments(obj: Report) -> list[dict[str, Any]]:
        return [
            {
                "filename": a.filename,
                "content_type": a.sniffed_type or a.declared_type,
                "size": a.size,
            }
            for a in obj.attachments.all()
        ]

    @staticmethod
    def resolve_followups(obj: Report) -> list[dict[str, Any]]:
        return [
            {"author": f.author, "text": f.text, "created_at": f.created_at}
            for f in obj.followups.all()
        ]


class ReporterIn(Schema):
    address: str = Field(..., min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field("", max_length=200)


class UploadIn(Schema):
    filename: str = Field(..., min_length=1, max_length=255)
    content_type: str = Field("", max_length=255)
    data_base64: str


class ReportIn(Schema):
    subject: str = Field("", max_length=500)
    text: str = Field(..., min_length=1, max_length=50_000)
    mode: ModeName | None = Field(None, description="Default: the server's default mode.")
    reporter: ReporterIn | None = Field(
        None,
        description=(
            "Optional, and only ever the token's own user: named and pseudonymous reports are "
            "filed as that user; an anonymous one keeps it sealed if given. Another address: 403."
        ),
    )
    attachments: list[UploadIn] = Field(default_factory=list, max_length=20)


class ReportCreated(Schema):
    id: int | None = Field(None, description="The report's number, once it is processed.")
    outcome: str
    receipt: str | None = Field(
        None, description="Anonymous reports only: the receipt code, returned this once."
    )


class ReportFilters(Schema):
    status: str | None = None
    channel: str | None = None
    mode: ModeName | None = None
    language: str | None = None
    since: datetime | None = Field(None, description="Received at or after.")
    until: datetime | None = Field(None, description="Received before.")


class Error(Schema):
    detail: str


@router.post("", response={201: ReportCreated, 400: Error}, summary="Submit a report")
def create_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    _one_line_fields(payload)
    mode = payload.mode or settings.TAPECUT_DEFAULT_MODE
    address, name = _reporter_identity(request.user, payload, mode)
    submission = do_submit_report(
        channel=Channel.API,
        mode=mode,
        subject=payload.subject,
        text=payload.text,
        uploads=_uploads(payload.attachments),
        address=address,
        name=name,
        actor=request.user,
    )
    body = {
        "id": submission.report_id,
        "outcome": submission.outcome,
        "receipt": submission.receipt or None,
    }
    return Status(201, body)


def _reporter_identity(user: Any, payload: ReportIn, mode: str) -> tuple[str, str]:
    """Who files the report: the token's own user, or nobody (anonymous). Never someone else:
    a caller who could name any address could file in their name, or test which alias a
    pseudonymous colleague has."""
    own = (user.email or "").strip().lower()
    claimed = payload.reporter.address.strip().lower() if payload.reporter else ""
    if claimed and claimed != own:
        raise HttpError(
            403, "A token reports as its own user or anonymously, never as someone else."
        )
    if mode == Mode.ANONYMOUS and not claimed:
        return "", ""
    if not own:
        raise HttpError(400, f"A {mode} report files as this token's user, who has no address.")
    return own, " ".join(user.get_full_name().split())


def _one_line_fields(payload: ReportIn) -> None:
    """Subject, name and file names become mail headers: no line breaks (a clear 400)."""
    fields = {"subject": payload.subject}
    if payload.reporter is not None:
        fields["reporter.name"] = payload.reporter.name
    fields |= {f"attachments[{i}].filename": a.filename for i, a in enumerate(payload.attachments)}
    for field, value in fields.items():
        if has_line_break(value):
            raise HttpError(400, f"{field} may not contain line breaks.")


def _uploads(items: list[UploadIn]) -> list[Upload]:
    uploads, total = [], 0
    for item in items:
        try:
            data = base64.b64decode(item.data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise HttpError(400, f"Attachment {item.filename!r} is not valid base64.") from None
        total += len(data)
        uploads.append(Upload(item.filename, item.content_type, data))
    if total > settings.TAPECUT_MAX_MESSAGE_BYTES:
        raise HttpError(400, "The attachments are too large together.")
    return uploads


@router.get("", response=list[ReportOut], summary="List reports")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    require_api(request, "triage", "read reports")
    reports: QuerySet[Report] = Report.objects.select_related("reporter", "analysis").order_by(
        "-received_at", "-id"
    )
    exact = {k: getattr(filters, k) for k in ("status", "channel", "mode", "language")}
    reports = reports.filter(**{k: v for k, v in exact.items() if v})
    if filters.since:
        reports = reports.filter(received_at__gte=filters.since)
    if filters.until:
        reports = reports.filter(received_at__lt=filters.until)
    return reports


@router.get("/{report_id}", response=ReportDetailOut, summary="One report")
def get_report(request: HttpRequest, report_id: int) -> Report:
    require_api(request, "triage", "read reports")
    return get_object_or_404(Report.objects.select_related("reporter", "analysis"), pk=report_id)
