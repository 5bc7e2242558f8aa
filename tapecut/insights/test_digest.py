"""``tapecut digest``: once a week to every leader, in their language."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tapecut.core.models import AuditEvent
from tapecut.insights import digest
from tapecut.insights.conftest import selected
from tapecut.insights.models import DigestDelivery
from tapecut.insights.testing import CHANGES, THEMES
from tapecut.intake.models import Report
from tapecut.triage.personas import make_user

pytestmark = pytest.mark.django_db


def test_leaders_get_the_digest_once_a_week(personas: Any, world: Any) -> None:
    boss = make_user("bea", "leader")  # a second leader; superusers would get it too
    assert digest.send_digests() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [boss.email, personas.leader.email]
    assert digest.send_digests() == 0  # the same week: nobody twice
    assert len(mail.outbox) == 2
    assert DigestDelivery.objects.count() == 2
    assert AuditEvent.objects.filter(verb="insights.digest_sent").count() == 2
    next_week = timezone.now() + timedelta(days=7)
    assert digest.send_digests(next_week) == 2


def test_the_digest_tells_last_weeks_funnel_themes_done_and_overdue(
    personas: Any, world: Any
) -> None:
    digest.send_digests(world.base)
    body = mail.outbox[0].body
    today = timezone.localdate(world.base)
    week = selected(world, today - timedelta(days=7), today - timedelta(days=1))
    assert len(week) == 2  # r23 and r24: too few for figures
    assert "Fewer than 5 reports arrived" in body and "Reports received:" not in body
    done_last_week = [c for c in CHANGES if c.status == "done" and 1 <= (c.done or 0) <= 7]
    assert [f"- Change {c.key}" in body for c in done_last_week] == [True]
    overdue = [c for c in CHANGES if c.due_in_days is not None and c.due_in_days < 0]
    for c in overdue:
        assert f"- Change {c.key} (" in body
    assert "olga, due" in body and "nobody, due" in body
    assert "http://localhost:8000/insights/?from=" in body
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_busy_week_shows_its_figures_and_new_themes(personas: Any, world: Any) -> None:
    for days in (2, 3, 4, 5, 6):
        Report.objects.create(channel="form", received_at=world.ago(days + 0.5))
    today = timezone.localdate(world.base)
    week = selected(world, today - timedelta(days=7), today - timedelta(days=1))
    themes = {s.theme for s in week if s.theme}
    linked = [
        c for c in CHANGES if set(c.themes) & themes or {s.key for s in week} & set(c.reports)
    ]
    body = digest.render_digest(digest.build_digest(world.base), "en")[1]
    assert f"Reports received: {len(week) + 5}" in body
    assert f"Distinct problems: {len(week) + 5}" in body
    assert f"Themes: {len(themes)}" in body
    assert f"Changes proposed: {len(linked)}" in body
    done = sum(1 for c in linked if c.status == "done")
    assert f"Changes done: {done}" in body
    # The seeded themes were created when the world was built: new in next week's digest.
    shown = digest.build_digest(world.base + timedelta(days=1))
    assert [str(theme) for theme, _n in shown.new_themes] == [THEMES["T1"], THEMES["T2"]]
    assert shown.smaller_new_themes == 2


@override_settings(LANGUAGE_CODE="de")
def test_the_digest_is_in_the_readers_language(personas: Any, world: Any) -> None:
    digest.send_digests(world.base)
    message = mail.outbox[0]
    assert message.subject.startswith("Tapecut: die Woche bis")
    assert "Umgesetzte Änderungen" in message.body and "fällig" in message.body
    assert DigestDelivery.objects.get(user=personas.leader).language == "de"


def test_a_user_language_wins_over_the_default() -> None:
    class Reader:
        language = "de-AT"

    class Nobody:
        pass

    assert digest.digest_language(Reader()) == "de"
    with override_settings(LANGUAGE_CODE="en"):
        assert digest.digest_language(Nobody()) == "en"


def test_a_failed_send_is_retried_on_the_next_run(personas: Any, world: Any, monkeypatch) -> None:
    def broken(self: Any, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert digest.send_digests() == 0
    assert not DigestDelivery.objects.exists()
    monkeypatch.undo()
    assert digest.send_digests() == 1


def test_the_command_sends_and_shows(personas: Any, world: Any) -> None:
    out = StringIO()
    call_command("digest", stdout=out)
    assert "1 digest(s) sent" in out.getvalue() and len(mail.outbox) == 1
    out = StringIO()
    call_command("digest", "--show", "de", stdout=out)
    assert out.getvalue().startswith("Subject: Tapecut: die Woche bis")
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="--show"):
        call_command("digest", "--show", "fr")
