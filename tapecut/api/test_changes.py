"""/api/v1/changes, /themes and /merges: the triage workspace through bearer tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.analysis.models import DuplicateLink
from tapecut.core import jobs
from tapecut.core.models import AuditEvent
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Change
from tapecut.triage.personas import Personas, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> Personas:
    return make_personas()


def as_user(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(user)[1]}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_create_list_and_finish_a_change(people: Personas) -> None:
    report = make_report(sender="nina@corp.example")
    theme = make_theme("Travel", [make_report(sender="olaf@corp.example")])
    triager = as_user(people.triager)
    created = post(
        triager,
        "/api/v1/changes",
        {
            "title": "One signature",
            "decision": "One manager signs.",
            "owner": "olga",
            "due_date": "2027-01-31",
            "report_ids": [report.pk],
            "theme_ids": [theme.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["owner"], body["status"], body["linked_report_count"]) == ("olga", "proposed", 2)
    owner = as_user(people.owner)
    assert [c["id"] for c in owner.get("/api/v1/changes").json()["items"]] == [body["id"]]
    for status in ("approved", "done"):
        moved = post(owner, f"/api/v1/changes/{body['id']}/status", {"status": status})
        assert moved.status_code == 200, moved.content
    jobs.run_pending()
    # Both reporters hear of both steps (planned, done), once each.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "nina@corp.example", "nina@corp.example", "olaf@corp.example", "olaf@corp.example"
    ]  # fmt: skip
    assert AuditEvent.objects.filter(verb="change.status", actor=people.owner).count() == 2


def test_clear_errors(people: Personas) -> None:
    triager = as_user(people.triager)
    assert post(triager, "/api/v1/changes", {"title": "x", "owner": "ghost"}).status_code == 400
    unknown = post(triager, "/api/v1/changes", {"title": "x", "report_ids": [999]})
    assert unknown.status_code == 400 and "999" in unknown.json()["detail"]
    change = Change.objects.create(title="Keep")
    declined = post(triager, f"/api/v1/changes/{change.pk}/status", {"status": "declined"})
    assert declined.status_code == 400 and "reason" in declined.json()["detail"]
    assert (
        post(triager, f"/api/v1/changes/{change.pk}/status", {"status": "gone"}).status_code == 422
    )
    leader = as_user(people.leader)
    assert leader.get("/api/v1/changes").status_code == 403
    assert post(as_user(people.owner), "/api/v1/changes", {"title": "x"}).status_code == 403
    assert Change.objects.count() == 1


def test_themes(people: Personas) -> None:
    theme = make_theme("Travel", [make_report(), make_report()], keywords=["travel", "form"])
    listing = as_user(people.triager).get("/api/v1/themes").json()["items"]
    assert listing[0]["id"] == theme.pk and listing[0]["report_count"] == 2
    assert listing[0]["keywords"] == ["travel", "form"]
    assert as_user(people.owner).get(f"/api/v1/themes/{theme.pk}").status_code == 403


def test_merges(people: Personas) -> None:
    original, dup, other = make_report(), make_report(), make_report()
    suggested = DuplicateLink.objects.create(
        report=other, original=original, kind="semantic", score=0.8
    )
    triager = as_user(people.triager)
    merged = post(
        triager,
        "/api/v1/merges",
        {"report_id": dup.pk, "original_id": original.pk, "reason": "same"},
    )
    assert merged.status_code == 200 and merged.json()["state"] == "merged"
    link_id = merged.json()["id"]
    assert post(triager, f"/api/v1/merges/{link_id}/unmerge", {"reason": ""}).status_code == 400
    undone = post(triager, f"/api/v1/merges/{link_id}/unmerge", {"reason": "other trip"})
    assert undone.json()["state"] == "unmerged" and "other trip" in undone.json()["reason"]
    rejected = post(triager, f"/api/v1/merges/{suggested.pk}/reject", {"reason": "no"})
    assert rejected.json()["state"] == "rejected"
    states = {m["state"] for m in triager.get("/api/v1/merges").json()["items"]}
    assert states == {"unmerged", "rejected"}
    assert as_user(people.leader).get("/api/v1/merges").status_code == 403
