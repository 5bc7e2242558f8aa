"""The front door, the roadmap by stage in two languages, "me too" and following, and owners
who act through a signed link."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tapecut.analysis.models import Theme
from tapecut.core.models import AuditEvent
from tapecut.triage import actions, following, owner_links, reminders, texts
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change, Follow, MeToo, Note
from tapecut.triage.personas import make_user

pytestmark = pytest.mark.django_db


def test_front_door_for_a_visitor_links_the_form_the_receipt_and_the_board(settings: Any) -> None:
    settings.TAPECUT_BOARD = "public"
    page = Client().get("/")
    assert page.status_code == 200
    html = page.content.decode()
    for link in ('href="/report/"', 'href="/board/"', 'href="/receipt/"'):
        assert link in html
    assert "bureaucracy@corp.example" in html
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get("/").content.decode()
    assert "Was mit einer Meldung geschieht" in german and 'lang="de"' in german
    assert 'href="/board/"' in Client().get("/report/").content.decode()  # the footer
    settings.TAPECUT_BOARD = "internal"
    assert 'href="/board/"' not in Client().get("/report/").content.decode()
    settings.TAPECUT_BOARD = "off"
    assert 'href="/board/"' not in Client().get("/").content.decode()


def test_team_members_still_land_on_their_workspace(client_as: Any) -> None:
    assert client_as("triager").get("/")["Location"] == "/inbox/"
    assert client_as("owner").get("/")["Location"] == "/changes/"
    assert client_as("outsider").get("/").status_code == 200  # no role: the front door


def test_board_modes(settings: Any, client_as: Any) -> None:
    settings.TAPECUT_BOARD = "public"
    assert Client().get("/board/").status_code == 200
    settings.TAPECUT_BOARD = "internal"
    assert Client().get("/board/").status_code == 302
    assert client_as("outsider").get("/board/").status_code == 200
    settings.TAPECUT_BOARD = "off"
    assert client_as("admin").get("/board/").status_code == 404


def test_board_lists_a_change_at_each_stage_in_the_readers_language(
    settings: Any, personas: Any
) -> None:
    settings.TAPECUT_BOARD = "public"
    reports = [make_report(f"Travel {i}", sender=f"t{i}@corp.example") for i in range(5)]
    change = actions.do_create_change(
        title="One signature", problem="Three signatures.", decision="One manager signs.",
        actor=personas.triager, themes=[make_theme("Travel", reports)],
    )  # fmt: skip
    texts.do_set_text(
        change, "de", actor=personas.triager, title="Eine Unterschrift",
        decision="Eine Führungskraft unterschreibt.",
    )  # fmt: skip
    visitor = Client()
    assert "One signature" not in visitor.get("/board/").content.decode()  # only proposed
    for step, heading in (("approved", "stage-planned"), ("in_progress", "stage-in_progress"),
                          ("done", "stage-done")):  # fmt: skip
        actions.do_change_status(change, step, actor=personas.triager)
        html = visitor.get("/board/").content.decode()
        section = html.split(f'id="{heading}"')[1].split("</section>")[0]
        assert "One signature" in section and "One manager signs." in section, step
        assert html.count("One signature") == 1
        assert "Answers 5 reports." in section
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get("/board/").content.decode()
    assert "Eine Unterschrift" in german and "Eine Führungskraft unterschreibt." in german
    assert "Three signatures." in german  # no German problem: the change's own text
    assert "One signature" not in german
    for address in ("t0@corp.example", "t4@corp.example"):
        assert address not in german


def test_me_too_and_follow_counted_never_named(settings: Any, personas: Any) -> None:
    settings.TAPECUT_BOARD = "internal"
    theme = make_theme("Travel", [make_report("Travel")])
    change = actions.do_create_change(title="One signature", actor=personas.triager, themes=[theme])
    actions.do_change_status(change, "approved", actor=personas.triager)
    people = [make_user(f"emp{i}", "reporter") for i in range(5)]
    clients = []
    for user in people:
        client = Client()
        client.force_login(user)
        clients.append(client)
    assert clients[0].post(f"/board/{change.pk}/me-too/", {"on": "1"}).status_code == 302
    clients[0].post(f"/board/{change.pk}/me-too/", {"on": "1"})  # twice is once
    clients[0].post(f"/board/{change.pk}/follow/", {"on": "1"})
    assert MeToo.objects.filter(change=change).count() == 1
    assert Follow.objects.filter(change=change, user=people[0]).exists()
    page = clients[1].get("/board/").content.decode()
    assert "hits them too" not in page  # one is fewer than five: no count
    for client in clients[1:]:
        client.post(f"/board/{change.pk}/me-too/", {"on": "1"})
    page = clients[1].get("/board/").content.decode()
    assert "5 more people say it hits them too." in page
    # Nobody's name, except the reader's own in the header.
    assert all(user.username not in page for user in people if user != people[1])
    # Demand orders the themes: one report plus five people comes before three reports.
    make_theme("Canteen", [make_report(f"Canteen {i}") for i in range(3)])
    triager = Client()
    triager.force_login(personas.triager)
    themes = triager.get("/themes/").content.decode()
    assert themes.index(f"/themes/{theme.pk}/") < themes.index(
        f"/themes/{Theme.objects.get(title='Canteen').pk}/"
    )
    clients[0].post(f"/board/{change.pk}/me-too/", {"on": "0"})
    assert MeToo.objects.filter(change=change).count() == 4
    proposed = actions.do_create_change(title="Not yet", actor=personas.triager)
    assert clients[0].post(f"/board/{proposed.pk}/me-too/").status_code == 404
    assert Client().post(f"/board/{change.pk}/follow/").status_code == 302  # log in first
    assert AuditEvent.objects.filter(verb="change.me_too").count() == 6


def owner_link_path() -> str:
    found = re.search(r"https?://[^/\s]+(/owner/\S+/)", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(1)


def test_owner_by_link_updates_status_and_writes_a_note(personas: Any, client_as: Any) -> None:
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    actions.do_change_status(change, "approved", actor=personas.triager)
    answer = client_as("triager").post(
        f"/changes/{change.pk}/owner-link/", {"address": "Head.Of.Travel@corp.example"}
    )
    assert answer.status_code == 302
    assert mail.outbox[-1].to == ["head.of.travel@corp.example"]
    path = owner_link_path()
    owner = Client()
    page = owner.get(path)
    assert page.status_code == 200 and "One signature" in page.content.decode()
    sent = owner.post(path, {"status": "in_progress", "note": "Form is being rewritten."})
    assert sent.status_code == 302
    change.refresh_from_db()
    assert change.status == "in_progress"
    assert Note.objects.get(change=change).text.endswith("Form is being rewritten.")
    moved = AuditEvent.objects.get(verb="change.status", detail__new="in_progress")
    assert moved.actor is None and moved.actor_label.startswith("owner by link h")
    assert "head.of.travel" not in moved.actor_label  # masked
    assert AuditEvent.objects.filter(verb="change.owner_link_used").exists()
    bad = owner.post(path, {"status": "proposed"})
    assert "cannot go from" in bad.content.decode()
    # Naming the owner again makes the older link void.
    client_as("triager").post(f"/changes/{change.pk}/owner-link/", {"address": "new@corp.example"})
    assert owner.get(path).status_code == 404
    assert Client().get(owner_link_path()).status_code == 200


def test_owner_links_expire(personas: Any, settings: Any) -> None:
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    invite = owner_links.do_invite_owner(change, "owner@corp.example", actor=personas.triager)
    token = owner_links.token_for(invite)
    assert owner_links.owner_from_token(token) == invite
    later = time.time() + (settings.TAPECUT_OWNER_LINK_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert owner_links.owner_from_token(token) is None
        assert Client().get(f"/owner/{token}/").status_code == 404
    assert owner_links.owner_from_token(token + "x") is None
    with pytest.raises(actions.TriageError):
        owner_links.do_invite_owner(change, "not an address", actor=personas.triager)


def test_change_texts_page(personas: Any, client_as: Any) -> None:
    change = actions.do_create_change(title="One signature", actor=personas.triager)
    triager = client_as("triager")
    assert triager.get(f"/changes/{change.pk}/texts/").status_code == 200
    triager.post(f"/changes/{change.pk}/texts/", {"language": "de", "title": "Eine Unterschrift"})
    assert texts.localized(change, "de").title == "Eine Unterschrift"
    assert texts.localized(change, "en").title == "One signature"
    triager.post(f"/changes/{change.pk}/texts/", {"language": "de", "title": ""})
    assert texts.localized(change, "de").title == "One signature"
    assert following.do_me_too(Change.objects.get(pk=change.pk), personas.reporter)


def test_an_owner_without_an_account_is_reminded_with_their_link(personas: Any) -> None:
    change = actions.do_create_change(
        title="Parking permits", actor=personas.triager, due_date=dt.date(2026, 1, 1)
    )
    owner_links.do_invite_owner(change, "parking@corp.example", actor=personas.triager)
    mail.outbox.clear()
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    assert reminders.do_remind_overdue(monday) == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["parking@corp.example"]
    found = re.search(r"https?://[^/\s]+(/owner/\S+/)", str(reminder.body))
    assert found is not None and Client().get(found.group(1)).status_code == 200
