"""/api/v1/quarantine: mail accepted but not understood; admins re-parse, release or delete it.

The raw bytes are not served here: protected messages name their sender, and a token is the
wrong place for that (custodians download them from the quarantine page, with a reason).
"""

# No "from __future__ import annotations" here: django-ninja must resolve the query
# parameters' types when it builds the schema, and strings from this module defeat it.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tapecut.accounts.permissions import require_api
from tapecut.intake.models import InboundMessage
from tapecut.triage import quarantine as q

router = Router(tags=["quarantine"])


class QuarantinedOut(Schema):
    id: int
    received_at: datetime
    channel: str
    mode: str
    size: int = Field(description="Bytes.")
    reason: str = Field(description="Why the parser refused it, or the error it kept raising.")
    attempts: int


class OutcomeOut(Schema):
    outcome: str = Field(description="report, reply, non_report, quarantined or deleted.")
    report_id: int | None = None


def _message(pk: int) -> InboundMessage:
    msg = get_object_or_404(InboundMessage, pk=pk)
    if msg.state != InboundMessage.State.QUARANTINED or msg.purged_at is not None:
        raise HttpError(409, f"Message {pk} is not in quarantine.")
    return msg


@router.get("", response=list[QuarantinedOut], summary="List quarantined messages, newest first")
@paginate(PageNumberPagination, page_size=50, max_page_size=200)
def list_quarantined(request: HttpRequest) -> Any:
    require_api(request, "manage_quarantine")
    return q.quarantined()


@router.post("/{pk}/reparse", response=OutcomeOut, summary="Parse a message again")
def reparse(request: HttpRequest, pk: int) -> Any:
    require_api(request, "manage_quarantine")
    outcome = q.do_reparse_quarantined(_message(pk), actor=request.user)
    return {"outcome": outcome.outcome, "report_id": outcome.report_id}


@router.post("/{pk}/release", response=OutcomeOut, summary="Release a message as a report")
def release(request: HttpRequest, pk: int) -> Any:
    require_api(request, "manage_quarantine")
    report = q.do_release(_message(pk), actor=request.user)
    return {"outcome": "report", "report_id": report.pk}


@router.delete("/{pk}", response=OutcomeOut, summary="Delete a quarantined message (audited)")
def delete(request: HttpRequest, pk: int) -> Any:
    require_api(request, "manage_quarantine")
    q.do_delete_quarantined(_message(pk), actor=request.user)
    return {"outcome": "deleted"}
