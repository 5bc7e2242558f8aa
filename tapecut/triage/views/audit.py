"""The audit trail for admins: every status change, merge, correction, reveal and login."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import require
from tapecut.core.models import AuditEvent
from tapecut.triage import actions
from tapecut.triage.models import Notice

PAGE_SIZE = 50  # a screen or two of rows; the pager and the filters find the rest


@require("audit")
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    verb = request.GET.get("verb", "").strip()
    if verb:
        events = events.filter(verb__startswith=verb)
    actor = request.GET.get("actor", "").strip()
    if actor:
        events = events.filter(actor_label__icontains=actor)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "verb": verb,
        "actor": actor,
        # Notices a killed worker left mid-send: they may or may not have gone out.
        "uncertain": Notice.objects.filter(state=Notice.State.SENDING).select_related("change"),
    }
    return render(request, "triage/audit.html", context)


@require("audit")
@require_POST
def resend_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        actions.do_resend_notice(notice, actor=request.user)
    except actions.TriageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The notice will be sent again."))
    return redirect("triage:audit")
