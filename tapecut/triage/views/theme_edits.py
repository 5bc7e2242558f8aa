"""The team's theme operations in the workspace: create, rename, merge, split, move, accept
re-clustering's proposed moves, undo.

Each is one POST that calls ``tapecut.analysis.curation`` (audited, undoable) and goes back to
the theme's page with a message saying what happened and how to undo it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tapecut.accounts.permissions import require
from tapecut.analysis import curation
from tapecut.analysis.models import Theme, ThemeEdit


def report_ids(post: Any) -> list[int]:
    """Report numbers from ticked boxes (``report``) and a typed list (``reports``: "12, 15")."""
    ticked = [int(v) for v in post.getlist("report") if str(v).isdigit()]
    typed = [int(v) for v in re.findall(r"\d+", post.get("reports", ""))]
    return sorted({*ticked, *typed})


def _rename(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    curation.do_rename_theme(theme, post.get("title", ""), actor=user)
    return theme, _("Renamed. Re-clustering keeps this title and this theme's reports.")


def _move(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    ids = report_ids(post)
    curation.do_move_reports(theme, ids, actor=user)
    said = ngettext(
        "Moved %(n)d report here; it stays when themes are re-clustered.",
        "Moved %(n)d reports here; they stay when themes are re-clustered.",
        len(ids),
    )
    return theme, said % {"n": len(ids)}


def _merge(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    other = get_object_or_404(Theme, pk=post.get("other") or 0)
    curation.do_merge_themes(theme, other, actor=user)
    return theme, _("Merged “%(other)s” into this theme.") % {"other": other}


def _split(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    new = curation.do_split_theme(theme, report_ids(post), post.get("title", ""), actor=user)
    return new, _("Split the chosen reports into this new theme.")


def _accept(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    """Proposed moves into ``theme``: the ticked ones, or all of them when none is named."""
    edit = curation.do_accept_proposals(theme, report_ids(post) or None, actor=user)
    n = len(edit.before.get("reports", {}))
    said = ngettext(
        "Accepted %(n)d proposed move; the report stays in “%(theme)s” when themes are "
        "re-clustered.",
        "Accepted %(n)d proposed moves; the reports stay in “%(theme)s” when themes are "
        "re-clustered.",
        n,
    ) % {"n": n, "theme": theme}
    # Accepted from the page of the theme the report was in: back to that page.
    back = post.get("back", "")
    came_from = Theme.objects.filter(pk=int(back)).first() if str(back).isdigit() else None
    return came_from or theme, said


def _undo(theme: Theme, post: Any, user: Any) -> tuple[Theme, str]:
    edit = get_object_or_404(ThemeEdit, pk=post.get("edit") or 0)
    curation.do_undo_theme_edit(edit, actor=user)
    back = Theme.objects.filter(pk=theme.pk).first() or Theme.objects.order_by("-id").first()
    return back or theme, _("Undone.")


ACTIONS: dict[str, Callable[[Theme, Any, Any], tuple[Theme, str]]] = {
    "rename": _rename,
    "move": _move,
    "merge": _merge,
    "split": _split,
    "accept": _accept,
    "undo": _undo,
}


@require("triage")
@require_POST
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    act = ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        messages.error(request, _("Unknown action."))
        return redirect("triage:theme", pk=theme.pk)
    try:
        target, said = act(theme, request.POST, request.user)
    except curation.ThemeError as exc:
        messages.error(request, str(exc))
        return redirect("triage:theme", pk=theme.pk)
    messages.success(request, said)
    return redirect("triage:theme", pk=target.pk)


@require("triage")
@require_POST
def theme_new(request: HttpRequest) -> HttpResponse:
    try:
        theme = curation.do_create_theme(
            request.POST.get("title", ""), report_ids(request.POST), actor=request.user
        )
    except curation.ThemeError as exc:
        messages.error(request, str(exc))
        return redirect("triage:theme_list")
    messages.success(request, _("Created. Re-clustering keeps this theme as you made it."))
    return redirect("triage:theme", pk=theme.pk)
