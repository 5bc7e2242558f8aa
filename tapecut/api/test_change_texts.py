"""/api/v1/changes/{id}/texts/{lang}: a change's words in another language, through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.core.models import AuditEvent
from tapecut.triage import actions, texts
from tapecut.triage.factories import make_report
from tapecut.triage.personas import Personas, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> Personas:
    return make_personas()


def as_user(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(user)[1]}")


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_write_read_and_remove_a_german_text(people: Personas) -> None:
    change = actions.do_create_change(
        title="One signature",
        problem="Three signatures per trip.",
        decision="One manager signs.",
        actor=people.triager,
        owner=people.owner,
        reports=[make_report()],
    )
    url = f"/api/v1/changes/{change.pk}/texts/de"
    owner = as_user(people.owner)  # the owner writes the texts of their own change
    reply = put(owner, url, {"title": "Eine Unterschrift", "decision": "Eine Führungskraft."})
    assert reply.status_code == 200, reply.content
    assert reply.json()["texts"] == {
        "de": {"title": "Eine Unterschrift", "problem": "", "decision": "Eine Führungskraft."}
    }
    got = as_user(people.triager).get(f"/api/v1/changes/{change.pk}").json()
    assert got["texts"]["de"]["title"] == "Eine Unterschrift" and got["title"] == "One signature"
    # Readers in German see it; the empty problem falls back to the change's own.
    words = texts.localized(change, "de")
    assert (words.title, words.problem) == ("Eine Unterschrift", "Three signatures per trip.")
    assert AuditEvent.objects.filter(verb="change.text", object_id=str(change.pk)).count() == 1

    assert put(owner, f"/api/v1/changes/{change.pk}/texts/fr", {"title": "x"}).status_code == 400
    assert put(as_user(people.leader), url, {"title": "x"}).status_code == 403
    assert put(owner, url, {"title": "x" * 201}).status_code == 422

    removed = put(owner, url, {"title": "", "problem": "", "decision": ""})
    assert removed.status_code == 200 and removed.json()["texts"] == {}
    assert AuditEvent.objects.filter(verb="change.text").count() == 2
    spec = owner.get("/api/v1/openapi.json").json()["paths"]
    assert "put" in spec["/api/v1/changes/{change_id}/texts/{lang}"]
