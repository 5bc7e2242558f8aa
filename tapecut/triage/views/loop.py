"""The loop's small pages: "me too" and follow on the board, stopping news, the owner's link,
and the change's text in another language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import can_edit_change, require
from tapecut.triage import actions, following, owner_links, steps, texts
from tapecut.triage import board as roadmap
from tapecut.triage.models import Change

ON_BOARD = [status for _name, status, _stamp in roadmap.STAGES]


def _board_change(request: HttpRequest, pk: int) -> Change:
    if roadmap.mode() == "off":
        raise Http404
    return get_object_or_404(Change, pk=pk, status__in=ON_BOARD)


@require_POST
def me_too(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login("/board/")
    change = _board_change(request, pk)
    following.do_me_too(change, request.user, on=request.POST.get("on") != "0")
    return redirect(f"/board/#change-{change.pk}")


@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login("/board/")
    change = _board_change(request, pk)
    following.do_follow(
        change, request.user, on=request.POST.get("on") != "0", language=request.LANGUAGE_CODE
    )
    return redirect(f"/board/#change-{change.pk}")


# Mail programs press the link's one-click stop with a POST and no form (RFC 8058); the signed
# token is the whole authority, and it can only stop news.
@csrf_exempt
def stop_news(request: HttpRequest, token: str) -> HttpResponse:
    found = steps.read_stop_token(token)
    if found is None:
        raise Http404
    change = get_object_or_404(Change, pk=found[0])
    stopped = request.method == "POST"
    if stopped:
        steps.do_stop_news(change, found[1], found[2])
    words = texts.localized(change, request.LANGUAGE_CODE)
    response = render(request, "triage/stop_news.html", {"words": words, "stopped": stopped})
    response["Referrer-Policy"] = "no-referrer"
    return response


def owner_link(request: HttpRequest, token: str) -> HttpResponse:
    owner = owner_links.owner_from_token(token)
    if owner is None:
        return render(request, "triage/owner_link_void.html", status=404)
    change = owner.change
    error = ""
    if request.method == "POST":
        try:
            owner_links.do_update_by_link(
                owner,
                status=request.POST.get("status", ""),
                note=request.POST.get("note", "")[:5000],
                reason=request.POST.get("reason", "")[:5000],
            )
            messages.success(request, _("Thank you, the team can see your update."))
            return redirect(request.path)
        except actions.TriageError as exc:
            error = str(exc)
    context = {
        "change": change,
        "next_statuses": [
            (s, Change.Status(s).label)
            for s in Change.Status.values
            if s in actions.TRANSITIONS[change.status]
        ],
        "error": error,
        "days": settings.TAPECUT_OWNER_LINK_DAYS,
    }
    response = render(request, "triage/owner_link.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require("see_changes")
def change_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """The change's title, problem and decision in each other language."""
    change = get_object_or_404(Change, pk=pk)
    if not can_edit_change(request.user, change):
        raise Http404
    languages = [(code, name) for code, name in settings.LANGUAGES]
    if request.method == "POST":
        language = request.POST.get("language", "")
        if language not in dict(languages):
            raise Http404
        fields = {k: request.POST.get(k, "") for k in ("title", "problem", "decision")}
        texts.do_set_text(change, language, actor=request.user, **fields)
        messages.success(request, _("Saved."))
        return redirect("triage:change_texts", pk=change.pk)
    existing = {t.language: t for t in change.texts.all()}
    # Each language named in the reader's language, as the language switch names them.
    rows = [
        (code, get_language_info(code)["name_translated"], existing.get(code))
        for code, _n in languages
    ]
    return render(request, "triage/change_texts.html", {"change": change, "rows": rows})


@require("manage_changes")
@require_POST
def invite_owner(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(Change, pk=pk)
    try:
        owner_links.do_invite_owner(change, request.POST.get("address", ""), actor=request.user)
        messages.success(request, _("The owner has been sent a link."))
    except actions.TriageError as exc:
        messages.error(request, str(exc))
    return redirect("triage:change", pk=change.pk)
