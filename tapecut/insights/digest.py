"""The weekly digest for leaders: last week's funnel, new themes, changes done, what is overdue.

``tapecut digest`` runs every day from the scheduler; each leader gets one digest per ISO week
(the first run of the week sends it, later runs find it sent). A claim row is written before
the mail goes out and removed when sending fails, so a failure is retried on the next run and a
crash never sends twice. Leaders are the users with the leader role (superusers hold every
role). Each digest is written in its reader's language: the user's ``language`` attribute where
the user model has one, else ``LANGUAGE_CODE`` (Tapecut's accounts keep no language per user).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tapecut.accounts.roles import LEADER
from tapecut.analysis.models import Theme
from tapecut.core import mail
from tapecut.insights import actions, metrics
from tapecut.insights.privacy import MIN_GROUP
from tapecut.insights.selection import Filters, in_period, select
from tapecut.insights.speed import OPEN
from tapecut.intake.addresses import mask
from tapecut.triage.links import absolute
from tapecut.triage.models import Change

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    week: str  # ISO week it is sent in: "2026-W48"
    filters: Filters  # the seven days before the day it is sent
    funnel: metrics.Funnel | None  # None: fewer than MIN_GROUP reports last week
    # (theme, reports) of new themes with MIN_GROUP or more; the theme is named when the digest
    # is rendered, in each leader's language.
    new_themes: list[tuple[Theme, int]]
    smaller_new_themes: int
    done: list[Change]
    overdue: list[Change]
    url: str


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_week(today: date) -> Filters:
    return Filters(start=today - timedelta(days=7), end=today - timedelta(days=1))


def new_themes(filters: Filters) -> tuple[list[tuple[Theme, int]], int]:
    themes = in_period(Theme.objects.only(*Theme.LABEL_FIELDS), "created_at", filters)
    themes = themes.annotate(n=Count("analyses"))
    rows = [(theme, theme.n) for theme in themes.order_by("-n", "id")]
    return [r for r in rows if r[1] >= MIN_GROUP], sum(1 for r in rows if r[1] < MIN_GROUP)


def build_digest(now: datetime | None = None) -> Digest:
    today = timezone.localdate(now or timezone.now())
    filters = last_week(today)
    sel = select(filters)
    done = in_period(Change.objects.filter(status=Change.Status.DONE), "done_at", filters)
    overdue = Change.objects.filter(status__in=OPEN, due_date__lt=today).select_related("owner")
    shown, smaller = new_themes(filters)
    url = absolute(reverse("insights:dashboard") + "?" + urlencode(filters.as_query()))
    return Digest(
        week=iso_week(today),
        filters=filters,
        funnel=None if sel.suppressed else metrics.funnel(sel),
        new_themes=shown,
        smaller_new_themes=smaller,
        done=list(done.order_by("done_at", "id")),
        overdue=list(overdue.order_by("due_date", "id")),
        url=url,
    )


def leaders() -> QuerySet[Any]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(Q(groups__name=LEADER) | Q(is_superuser=True)).distinct().order_by("pk")


def digest_language(user: Any) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    preferred = str(getattr(user, "language", "") or "")[:2]
    return preferred if preferred in known else str(settings.LANGUAGE_CODE)


def render_digest(digest: Digest, language: str) -> tuple[str, str]:
    """Subject and body in ``language``."""
    with translation.override(language):
        body = mail.render(
            "insights/email/digest.txt", {"digest": digest, "min_group": MIN_GROUP}, language
        )
        subject = _("Tapecut: the week to %(day)s") % {"day": digest.filters.end}
    return subject, body


def send_digests(now: datetime | None = None) -> int:
    """Send this week's digest to every leader who has not had it; return how many went."""
    digest = build_digest(now)
    sent = 0
    for user in leaders():
        language = digest_language(user)
        claim = actions.do_claim_digest(user, digest.week, language)
        if claim is None:
            continue
        try:
            subject, body = render_digest(digest, language)
            mail.send(user.email, subject, body)
        except Exception:
            actions.do_release_digest(claim)
            log.exception("digest for %s failed; retried on the next run", mask(user.email))
            continue
        actions.do_note_digest_sent(claim)
        sent += 1
    return sent
