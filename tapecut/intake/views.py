"""A minimal list and detail of reports, behind login (the triage workspace builds on it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tapecut.intake.models import Report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = Report.objects.select_related("reporter").order_by("-received_at", "-id")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "intake/report_list.html", {"page": page})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.select_related("reporter"), pk=pk)
    followups = report.followups.all()
    attachments = report.attachments.all()
    return render(
        request,
        "intake/report_detail.html",
        {"report": report, "followups": followups, "attachments": attachments},
    )
