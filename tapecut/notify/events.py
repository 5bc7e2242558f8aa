"""What the team hears of, found by looking at the database (idempotent: each happening has a
key, and a destination hears of a key once).

- ``theme.new``: a theme made after the destination was set up, once it groups two reports;
- ``theme.grew``: a theme reached the destination's threshold of reports;
- ``change.attention``: a reporter answered "no, it did not fix it";
- ``change.overdue``: an open change is past its due date;
- ``change.done``: a change was done after the destination was set up ("you said, we did").

Counts follow the rule of 5 (``reports`` is None below it) and no event names a reporter. The
words of reports (a theme's title drawn from them, a "did not fix it" comment) travel in
``report_text`` only, which is dropped for destinations not allowed to receive it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.utils import timezone

from tapecut.analysis.models import Theme
from tapecut.notify.models import Destination
from tapecut.triage import linked, links
from tapecut.triage.models import Change, FixFeedback

MIN_COUNT = 5
NEW_THEME_SIZE = 2
OPEN = (Change.Status.PROPOSED, Change.Status.APPROVED, Change.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Event:
    event: str
    key: str
    title: str  # words of the team (a change's title) or a neutral name ("Theme 12")
    url: str
    reports: int | None  # None: fewer than MIN_COUNT
    report_text: str = ""

    def payload_for(self, destination: Destination) -> dict[str, object]:
        data = asdict(self)
        if not destination.allow_report_text:
            data["report_text"] = ""
        data["reports_fewer_than"] = MIN_COUNT if self.reports is None else None
        return data


def counted(n: int) -> int | None:
    return n if n >= MIN_COUNT else None


def collect(destination: Destination, today: dt.date | None = None) -> Iterator[Event]:
    """Every event this destination should have heard of; the caller skips the told ones."""
    today = today or timezone.localdate()
    since = destination.created_at
    if destination.wants("theme.new"):
        # A theme of one report is not yet a group (re-clustering makes many): from two on.
        new = Theme.objects.filter(created_at__gte=since, report_count__gte=NEW_THEME_SIZE)
        for theme in new.order_by("id"):
            yield _theme_event("theme.new", f"theme.new:{theme.pk}", theme)
    if destination.wants("theme.grew"):
        n = destination.grow_threshold
        for theme in Theme.objects.filter(report_count__gte=n).order_by("id"):
            yield _theme_event("theme.grew", f"theme.grew:{theme.pk}:{n}", theme)
    if destination.wants("change.attention"):
        yield from _attention()
    if destination.wants("change.overdue"):
        overdue = Change.objects.filter(status__in=OPEN, due_date__lt=today).order_by("id")
        for change in overdue:
            yield _change_event(
                "change.overdue", f"change.overdue:{change.pk}:{change.due_date}", change
            )
    if destination.wants("change.done"):
        done = Change.objects.filter(status=Change.Status.DONE, done_at__gte=since).order_by("id")
        for change in done:
            stamp = change.done_at.isoformat() if change.done_at else ""
            yield _change_event("change.done", f"change.done:{change.pk}:{stamp}", change)


def _theme_event(event: str, key: str, theme: Theme) -> Event:
    return Event(
        event=event,
        key=key,
        title=f"Theme {theme.pk}",
        url=links.absolute(f"/themes/{theme.pk}/"),
        reports=counted(theme.report_count),
        # Titles may be drawn from what reporters wrote.
        report_text=theme.label,
    )


def _change_event(event: str, key: str, change: Change, text: str = "") -> Event:
    return Event(
        event=event,
        key=key,
        title=change.title,
        url=links.absolute(f"/changes/{change.pk}/"),
        reports=counted(len(linked.change_report_ids(change))),
        report_text=text,
    )


def _attention() -> Iterator[Event]:
    for change in Change.objects.filter(needs_attention=True).order_by("id"):
        latest = (
            FixFeedback.objects.filter(change=change, answer=FixFeedback.Answer.NO)
            .order_by("-updated_at", "-id")
            .first()
        )
        if latest is None:
            continue
        key = f"change.attention:{change.pk}:{latest.pk}:{latest.updated_at.isoformat()}"
        yield _change_event("change.attention", key, change, latest.comment)
