"""Employees and changes: "this hits me too" (demand) and following (the reporters' news).

Saying "me too" counts as demand on the change and on its themes, which the team sees in the
themes' order; the board shows only a count, and only from MIN_REPORTS up, never a name.
A follower hears of each step once, by mail to their account's address.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from tapecut.core import audit, mail
from tapecut.core.tasks import job_task
from tapecut.triage import steps, texts
from tapecut.triage.models import Change, Follow, FollowNews, MeToo

log = logging.getLogger(__name__)

SEND_JOB = "triage.send_follow_news"


def do_me_too(change: Change, user: Any, *, on: bool = True) -> bool:
    """Say (or take back) "this hits me too"; True when something changed."""
    if on:
        _row, changed = MeToo.objects.get_or_create(change=change, user=user)
    else:
        changed = bool(MeToo.objects.filter(change=change, user=user).delete()[0])
    if changed:
        audit.record("change.me_too", change, actor=user, on=on)
    return changed


def do_follow(change: Change, user: Any, *, on: bool = True, language: str = "") -> bool:
    """Follow (or stop following) a change; True when something changed. The news comes in
    ``language`` (the page's), else in LANGUAGE_CODE."""
    if on:
        _row, changed = Follow.objects.get_or_create(
            change=change, user=user, defaults={"language": language[:8]}
        )
    else:
        changed = bool(Follow.objects.filter(change=change, user=user).delete()[0])
    if changed:
        audit.record("change.follow", change, actor=user, on=on)
    return changed


def plan_news(change: Change, step: str) -> int:
    """One FollowNews per follower with an address for this step; enqueue their sending."""
    if step not in steps.mailed_steps():
        return 0
    planned = 0
    # Who began to follow after the step was reached has not missed it.
    reached = getattr(change, steps.STAMPS[step])
    for follow in Follow.objects.filter(change=change).select_related("user"):
        if reached is not None and follow.created_at > reached:
            continue
        if not follow.user.email or not follow.user.is_active:
            continue
        try:
            with transaction.atomic():
                news, new = FollowNews.objects.get_or_create(
                    change=change, user=follow.user, step=step
                )
        except IntegrityError:
            continue
        if news.sent_at is None:
            send_news_task.enqueue(news_id=news.pk)
            planned += new
    return planned


def _known(language: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return language[:2] if language[:2] in known else str(settings.LANGUAGE_CODE)


@job_task(SEND_JOB, key="follow-news:{news_id}")
def send_news_task(news_id: int) -> None:
    send(int(news_id))


def send(news_id: int) -> str:
    """Mail one step to one follower, unless it went already or they stopped following."""
    news = FollowNews.objects.select_related("change", "user").filter(pk=news_id).first()
    if news is None or news.sent_at is not None:
        return "skipped"
    follow = Follow.objects.filter(change=news.change, user=news.user).first()
    if follow is None:
        return "skipped"
    language = _known(follow.language)
    with translation.override(language):
        words = texts.localized(news.change, language)
        stop = steps.stop_url(news.change_id, "u", news.user_id)
        body = mail.render(
            "triage/email/follow_news.txt",
            {"step": news.step, "change": news.change, "words": words, "stop_url": stop},
            language,
        )
        subject = steps.follower_subject(news.step, words.title)
    headers = {
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    mail.send(news.user.email, subject, body, headers=headers)
    FollowNews.objects.filter(pk=news.pk).update(sent_at=timezone.now())
    return "sent"
