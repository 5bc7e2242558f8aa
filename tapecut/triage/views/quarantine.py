"""The quarantine page: mail that was accepted but not understood, for admins (and custodians)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tapecut.accounts.permissions import can, require
from tapecut.intake.models import InboundMessage
from tapecut.triage import quarantine as q

PAGE_SIZE = 50


@require("quarantine")
def quarantine_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(q.quarantined(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(msg, q.may_download(request.user, msg)) for msg in page]
    context = {
        "page": page,
        "rows": rows,
        "summary": q.summary(),
        "may_manage": can(request.user, "manage_quarantine"),
    }
    return render(request, "triage/quarantine.html", context)


@require("manage_quarantine")
@require_POST
def reparse_all(request: HttpRequest) -> HttpResponse:
    counts = q.do_reparse_all(actor=request.user)
    done = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    messages.success(request, _("Parsed again: %(counts)s.") % {"counts": done or "0"})
    return redirect("triage:quarantine")


@require("manage_quarantine")
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    msg = get_object_or_404(InboundMessage, pk=pk)
    try:
        if action == "reparse":
            outcome = q.do_reparse_quarantined(msg, actor=request.user)
            messages.success(
                request, _("Parsed again: %(outcome)s.") % {"outcome": outcome.outcome}
            )
        elif action == "release":
            report = q.do_release(msg, actor=request.user)
            messages.success(request, _("Released as report #%(pk)s.") % {"pk": report.pk})
        elif action == "delete":
            q.do_delete_quarantined(msg, actor=request.user)
            messages.success(request, _("Message %(pk)s deleted.") % {"pk": pk})
        else:
            raise Http404
    except q.QuarantineError:
        messages.error(request, _("That message is no longer in quarantine."))
    return redirect("triage:quarantine")


@require("quarantine")
@require_http_methods(["GET", "POST"])
def raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes as an .eml download. Protected mail: custodians, by POST with a reason."""
    msg = get_object_or_404(InboundMessage, pk=pk, state=InboundMessage.State.QUARANTINED)
    if not q.may_download(request.user, msg):
        raise PermissionDenied
    if msg.encrypted and request.method != "POST":
        return render(request, "triage/quarantine_reason.html", {"msg": msg})
    try:
        data = q.do_download(msg, actor=request.user, reason=request.POST.get("reason", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("triage:quarantine_raw", pk=pk)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="quarantined-{msg.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
