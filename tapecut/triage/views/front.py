"""The front door (``/``) and the roadmap (``/board/``): what a visitor or employee sees."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from tapecut.accounts.permissions import can
from tapecut.triage import board as roadmap

# Where a signed-in member of the team starts: the first of these they may see.
WORKSPACES = (
    ("triage", "triage:inbox"),
    ("see_changes", "triage:change_list"),
    ("board", "triage:board"),
)


def home(request: HttpRequest) -> HttpResponse:
    """Team members land on their workspace; everyone else reads the front door."""
    user = request.user
    for permission, target in WORKSPACES:
        if can(user, permission) and (target != "triage:board" or roadmap.mode() != "off"):
            return redirect(target)
    context = {
        "address": settings.TAPECUT_RECIPIENTS[0] if settings.TAPECUT_RECIPIENTS else "",
        "anonymous_address": (
            settings.TAPECUT_ANONYMOUS_RECIPIENTS[0]
            if settings.TAPECUT_ANONYMOUS_RECIPIENTS
            else ""
        ),
        "board": roadmap.mode(),
    }
    return render(request, "triage/front.html", context)


def board(request: HttpRequest) -> HttpResponse:
    if roadmap.mode() == "off":
        raise Http404
    if not roadmap.may_read(request.user):
        return redirect_to_login(request.get_full_path())
    stages = roadmap.stages(get_language() or settings.LANGUAGE_CODE, request.user)
    context = {
        "stages": [(name, stages[name]) for name, _status, _stamp in roadmap.STAGES],
        "min_reports": roadmap.MIN_REPORTS,
        "can_say": request.user.is_authenticated,
    }
    return render(request, "triage/board.html", context)
