"""Theme operations by the team: create, rename, merge, split, move reports, accept
re-clustering's proposed moves; each undoable.

What the team decides here stays: a moved report is pinned to its theme, and a created,
renamed, merged or split theme is curated, so re-clustering leaves all of its reports where
they are (``tapecut.analysis.recluster``). Every operation writes a ``ThemeEdit`` with what it
changed, and an audit event; ``do_undo_theme_edit`` puts those things back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tapecut.analysis import langspace, themes
from tapecut.analysis.models import ReportAnalysis, Theme, ThemeEdit
from tapecut.core import audit
from tapecut.intake.models import Report

THEME_FIELDS = ("title", "title_source", "curated_at", "merged_into_id")


class ThemeError(ValueError):
    """A theme operation that cannot be carried out as asked (a message for the person)."""


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _analyses(report_ids: Iterable[int]) -> list[ReportAnalysis]:
    ids = sorted(set(report_ids))
    found = list(ReportAnalysis.objects.select_for_update().filter(report_id__in=ids))
    missing = set(ids) - {a.report_id for a in found}
    # A report not analysed yet gets its analysis row now, to hold the theme.
    for rid in sorted(missing):
        if not Report.objects.filter(pk=rid).exists():
            raise ThemeError(_("There is no report %(n)s.") % {"n": rid})
        found.append(ReportAnalysis.objects.create(report_id=rid))
    return found


def _theme_state(theme: Theme) -> dict[str, Any]:
    state = {name: getattr(theme, name) for name in THEME_FIELDS}
    state["curated_at"] = theme.curated_at.isoformat() if theme.curated_at else None
    return state


def _edit(kind: str, theme: Theme, actor: Any, before: dict[str, Any]) -> ThemeEdit:
    edit = ThemeEdit.objects.create(kind=kind, theme=theme, before=before, actor=_actor(actor))
    return edit


def _move(analyses: list[ReportAnalysis], theme: Theme | None, now: Any) -> dict[str, Any]:
    """Move the rows, pinned; returns what they were."""
    before = {
        str(a.pk): [a.theme_id, a.theme_pinned_at.isoformat() if a.theme_pinned_at else None]
        for a in analyses
    }
    pks = [a.pk for a in analyses]
    ReportAnalysis.objects.filter(pk__in=pks).update(
        theme=theme, theme_pinned_at=now, proposed_theme=None
    )
    return before


def _refresh(theme_ids: Iterable[int | None]) -> None:
    ids = sorted({t for t in theme_ids if t})
    recentre(ids)
    themes.update_stats(ids)


def recentre(theme_ids: list[int]) -> None:
    """Each theme's centre: the mean of its reports in the language-neutral space."""
    for theme in Theme.objects.filter(pk__in=theme_ids):
        rows = list(
            ReportAnalysis.objects.filter(theme=theme, embedding__isnull=False).values_list(
                "embedding", "language", "embedder"
            )
        )
        vectors = [np.frombuffer(bytes(v or b""), np.float32) for v, _l, _e in rows]
        dims = {v.shape[0] for v in vectors}
        if not vectors or len(dims) != 1:
            continue
        langs = [langspace.language_key(lang) for _v, lang, _e in rows]
        space = langspace.load(rows[0][2], dims.pop())
        mean = space.transform(np.vstack(vectors), langs).mean(axis=0)
        theme.centroid = np.asarray(mean, np.float32).tobytes()
        theme.save(update_fields=["centroid", "updated_at"])


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ThemeError(_("A theme needs a title."))
    return title


def do_create_theme(title: str, report_ids: Iterable[int] = (), *, actor: Any = None) -> Theme:
    """A new theme named by the team, with the chosen reports moved into it."""
    title = _clean_title(title)
    now = timezone.now()
    with transaction.atomic():
        theme = Theme.objects.create(
            title=title, title_source=Theme.TitleSource.TEAM, curated_at=now
        )
        analyses = _analyses(report_ids)
        moved = _move(analyses, theme, now)
        _edit("create", theme, actor, {"reports": moved, "themes": {}, "created": [theme.pk]})
        _refresh([theme.pk, *[a.theme_id for a in analyses]])
        audit.record("theme.created", theme, actor=actor, title=title, reports=sorted(report_ids))
    return theme


def do_rename_theme(theme: Theme, title: str, *, actor: Any = None) -> ThemeEdit:
    """The team's title: it wins over any other and survives re-clustering."""
    title = _clean_title(title)
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get(pk=theme.pk)
        before = {"reports": {}, "themes": {str(theme.pk): _theme_state(theme)}, "created": []}
        old = theme.title
        theme.title, theme.title_source = title, Theme.TitleSource.TEAM
        theme.curated_at = theme.curated_at or timezone.now()
        theme.save(update_fields=["title", "title_source", "curated_at", "updated_at"])
        edit = _edit("rename", theme, actor, before)
        audit.record("theme.renamed", theme, actor=actor, old=old, new=title, edit=edit.pk)
    return edit


def do_merge_themes(theme: Theme, other: Theme, *, actor: Any = None) -> ThemeEdit:
    """Every report of ``other`` joins ``theme``; ``other`` stays, empty, for the undo."""
    if theme.pk == other.pk:
        raise ThemeError(_("A theme cannot be merged into itself."))
    now = timezone.now()
    with transaction.atomic():
        pair = {
            t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[theme.pk, other.pk])
        }
        theme, other = pair[theme.pk], pair[other.pk]
        states = {str(t.pk): _theme_state(t) for t in (theme, other)}
        moved = _move(_analyses(other.analyses.values_list("report_id", flat=True)), theme, now)
        for t in (theme, other):
            t.curated_at = t.curated_at or now
        other.merged_into = theme
        theme.save(update_fields=["curated_at", "updated_at"])
        other.save(update_fields=["curated_at", "merged_into", "updated_at"])
        edit = _edit("merge", theme, actor, {"reports": moved, "themes": states, "created": []})
        _refresh([theme.pk, other.pk])
        audit.record(
            "theme.merged", theme, actor=actor, other=other.pk, reports=len(moved), edit=edit.pk
        )
    return edit


def do_split_theme(
    theme: Theme, report_ids: Iterable[int], title: str, *, actor: Any = None
) -> Theme:
    """The chosen reports of ``theme`` leave it for a new theme the team names."""
    ids = sorted(set(report_ids))
    title = _clean_title(title)
    mine = set(theme.analyses.filter(report_id__in=ids).values_list("report_id", flat=True))
    if not ids or mine != set(ids):
        raise ThemeError(_("Choose reports of this theme to split off."))
    now = timezone.now()
    with transaction.atomic():
        state = {str(theme.pk): _theme_state(theme)}
        new = Theme.objects.create(title=title, title_source=Theme.TitleSource.TEAM, curated_at=now)
        moved = _move(_analyses(ids), new, now)
        Theme.objects.filter(pk=theme.pk, curated_at__isnull=True).update(curated_at=now)
        edit = _edit("split", new, actor, {"reports": moved, "themes": state, "created": [new.pk]})
        _refresh([theme.pk, new.pk])
        audit.record(
            "theme.split", theme, actor=actor, new=new.pk, reports=ids, title=title, edit=edit.pk
        )
    return new


def do_move_reports(theme: Theme, report_ids: Iterable[int], *, actor: Any = None) -> ThemeEdit:
    """The chosen reports join ``theme`` and stay there (re-clustering leaves them)."""
    ids = sorted(set(report_ids))
    if not ids:
        raise ThemeError(_("Choose reports to move."))
    with transaction.atomic():
        analyses = _analyses(ids)
        olds = [a.theme_id for a in analyses]
        moved = _move(analyses, theme, timezone.now())
        edit = _edit("move", theme, actor, {"reports": moved, "themes": {}, "created": []})
        _refresh([theme.pk, *olds])
        audit.record("theme.reports_moved", theme, actor=actor, reports=ids, edit=edit.pk)
    return edit


def proposed_for(theme: Theme) -> list[int]:
    """The reports re-clustering proposes to move into ``theme`` (the team decides)."""
    rows = ReportAnalysis.objects.filter(proposed_theme=theme).exclude(theme=theme)
    return sorted(rows.values_list("report_id", flat=True))


def do_accept_proposals(
    theme: Theme, report_ids: Iterable[int] | None = None, *, actor: Any = None
) -> ThemeEdit:
    """Accept re-clustering's proposed moves into ``theme``: all of them, or the chosen ones.

    An accepted move is a move by hand (``do_move_reports``): the report is pinned, so
    re-clustering leaves it there, and the one ``ThemeEdit`` undoes the whole step.
    """
    with transaction.atomic():
        proposed = set(proposed_for(theme))
        ids = sorted(proposed if report_ids is None else set(report_ids))
        if not ids:
            raise ThemeError(_("Re-clustering proposes no reports for this theme."))
        if not set(ids) <= proposed:
            others = sorted(set(ids) - proposed)[:20]
            raise ThemeError(
                _("Re-clustering proposes no move here for reports %(reports)s.")
                % {"reports": ", ".join(map(str, others))}
            )
        edit = do_move_reports(theme, ids, actor=actor)
        audit.record("theme.proposals_accepted", theme, actor=actor, reports=ids, edit=edit.pk)
    return edit


def do_clear_theme(report: Report, *, actor: Any = None) -> None:
    """A person took the report out of its theme: it stays out when themes are re-clustered."""
    analysis, _created = ReportAnalysis.objects.get_or_create(report=report)
    old = analysis.theme_id
    with transaction.atomic():
        analysis.theme = None
        analysis.theme_pinned_at = timezone.now()
        analysis.save(update_fields=["theme", "theme_pinned_at"])
        themes.update_stats([old])
        audit.record("report.theme", report, actor=actor, old=old, new=None)


def do_undo_theme_edit(edit: ThemeEdit, *, actor: Any = None) -> ThemeEdit:
    """Put back what the edit changed: reports' themes and pins, titles, created themes."""
    with transaction.atomic():
        edit = ThemeEdit.objects.select_for_update().get(pk=edit.pk)
        if edit.undone_at is not None:
            raise ThemeError(_("This theme operation was already undone."))
        touched: set[int | None] = set()
        for pk, (theme_id, pinned) in edit.before.get("reports", {}).items():
            current = ReportAnalysis.objects.filter(pk=int(pk)).values_list("theme_id", flat=True)
            touched |= {theme_id, *current}
            ReportAnalysis.objects.filter(pk=int(pk)).update(
                theme_id=theme_id if Theme.objects.filter(pk=theme_id).exists() else None,
                theme_pinned_at=parse_datetime(pinned) if pinned else None,
            )
        for pk, state in edit.before.get("themes", {}).items():
            fields = dict(state)
            fields["curated_at"] = (
                parse_datetime(state["curated_at"]) if state["curated_at"] else None
            )
            Theme.objects.filter(pk=int(pk)).update(**fields, updated_at=timezone.now())
            touched.add(int(pk))
        created = edit.before.get("created", [])
        _refresh(touched - set(created))
        subject = edit.theme
        Theme.objects.filter(pk__in=created, analyses__isnull=True).delete()
        edit.undone_at = timezone.now()
        edit.save(update_fields=["undone_at"])
        if subject is not None and not Theme.objects.filter(pk=subject.pk).exists():
            subject = None
        audit.record(
            "theme.undone", subject, actor=actor, edit=edit.pk, kind=edit.kind, theme=edit.theme_id
        )
    return edit
