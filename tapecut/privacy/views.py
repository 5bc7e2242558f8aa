"""The custodian's page: export what is held about one reporter, or erase it on request."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import require
from tapecut.intake.models import Reporter
from tapecut.privacy.actions import do_erase_reporter, find_reporter
from tapecut.privacy.export import do_export_reporter


@require("reporter_data")
def reporter_data(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/reporter_data.html")


def _reporter(request: HttpRequest) -> Reporter | None:
    number = request.POST.get("report", "").strip()
    if number.isdigit():
        return find_reporter(report_id=int(number))
    address = request.POST.get("address", "").strip()
    return find_reporter(address=address) if address else None


@require("reporter_data")
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    reporter = _reporter(request)
    if reporter is None:
        messages.error(request, _("No reporter found for that report or address."))
        return redirect("privacy:reporter_data")
    try:
        data = do_export_reporter(
            reporter,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            with_raw=bool(request.POST.get("raw")),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("privacy:reporter_data")
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="reporter-{reporter.pk}.json"'
    return response


@require("reporter_data")
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    reporter = _reporter(request)
    if reporter is None:
        messages.error(request, _("No reporter found for that report or address."))
    elif not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm: an erasure cannot be undone."))
    else:
        try:
            counts = do_erase_reporter(
                reporter, actor=request.user, reason=request.POST.get("reason", "")
            )
        except (ValueError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Erased: %(reports)s reports, %(messages)s messages, %(followups)s replies.")
                % counts,
            )
    return redirect("privacy:reporter_data")
