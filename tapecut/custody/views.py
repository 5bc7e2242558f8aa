"""Custodian's reveal and the team's copy of an original message."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tapecut.accounts.permissions import require
from tapecut.custody.actions import MIN_REASON, do_reveal_identity
from tapecut.custody.sanitise import original_for_team
from tapecut.intake.models import InboundMessage, Report


@never_cache
@require_http_methods(["GET", "POST"])
@require("reveal")
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for a reason; POST reveals once. Nothing revealed is stored or cached."""
    report = get_object_or_404(Report.objects.select_related("reporter", "inbound"), pk=pk)
    context: dict[str, object] = {"report": report, "min_reason": MIN_REASON}
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            context["identity"] = do_reveal_identity(report, actor=request.user, reason=reason)
        except ValueError as exc:
            context["error"], context["reason"] = str(exc), reason
    return render(request, "custody/reveal.html", context)


@never_cache
@require("original")
def original(request: HttpRequest, pk: int) -> HttpResponse:
    """The original message as a download: sanitised for protected mail, never rendered."""
    # Retention or an erasure deleted the bytes of a purged message.
    msg = get_object_or_404(InboundMessage, pk=pk, purged_at__isnull=True)
    response = HttpResponse(original_for_team(msg), content_type="message/rfc822")
    suffix = "sanitised" if msg.encrypted else "original"
    response["Content-Disposition"] = f'attachment; filename="message-{msg.pk}-{suffix}.eml"'
    return response
