"""/api/v1/themes after the demo: the team's theme operations survive re-clustering."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.analysis.actions import do_recluster
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.analysis.testing import forget_caches
from tapecut.core.models import AuditEvent
from tapecut.demo.actions import analyse_demo, do_import_demo
from tapecut.triage.personas import Personas, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None, settings: Any) -> Any:
    settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    forget_caches()
    yield make_personas()
    forget_caches()


def as_user(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(user)[1]}")


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_after_the_demo_curation_and_a_done_change_survive_reclustering(
    people: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_import_demo()
    analyse_demo()
    api = as_user(people.triager)
    themes = list(Theme.objects.filter(report_count__gt=0).order_by("-report_count", "id"))
    big, other, third = themes[0], themes[1], themes[2]
    moved = ReportAnalysis.objects.filter(theme=big).order_by("id")[0].report_id
    reply = send(api, "post", f"/api/v1/themes/{other.pk}/reports", {"report_ids": [moved]})
    assert reply.status_code == 200, reply.content
    assert moved in reply.json()["report_ids"]
    assert api.get(f"/api/v1/reports/{moved}").json()["theme_id"] == other.pk
    renamed = send(api, "patch", f"/api/v1/themes/{third.pk}", {"title": "Taxi receipts"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Taxi receipts"
    third_reports = renamed.json()["report_ids"]
    change = send(
        api,
        "post",
        "/api/v1/changes",
        {"title": "Refund taxis", "problem": "p", "decision": "d", "theme_ids": [big.pk]},
    ).json()
    owner = as_user(people.admin)
    for status in ("approved", "in_progress", "done"):
        done = send(owner, "post", f"/api/v1/changes/{change['id']}/status", {"status": status})
        assert done.status_code == 200, done.content

    do_recluster()

    assert api.get(f"/api/v1/reports/{moved}").json()["theme_id"] == other.pk
    after = api.get(f"/api/v1/themes/{third.pk}").json()
    assert after["title"] == "Taxi receipts" and after["title_source"] == "team"
    assert after["report_ids"] == third_reports and after["curated"] is True
    again = api.get(f"/api/v1/changes/{change['id']}").json()
    assert again["report_ids"] == change["report_ids"] and again["status"] == "done"


def test_create_merge_split_and_undo_through_the_api(
    people: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_import_demo()
    analyse_demo()
    api = as_user(people.triager)
    a, b = Theme.objects.filter(report_count__gte=2).order_by("-report_count")[:2]
    merged = send(api, "post", f"/api/v1/themes/{a.pk}/merge", {"theme_id": b.pk})
    assert merged.status_code == 200
    b_reports = set(merged.json()["report_ids"]) - set(
        ReportAnalysis.objects.filter(theme=a).values_list("report_id", flat=True)
    )
    edits = api.get(f"/api/v1/themes/{a.pk}/edits").json()
    assert edits[0]["kind"] == "merge"
    undone = send(api, "post", f"/api/v1/themes/edits/{edits[0]['id']}/undo", {})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert send(api, "post", f"/api/v1/themes/edits/{edits[0]['id']}/undo", {}).status_code == 400
    assert not b_reports & set(api.get(f"/api/v1/themes/{a.pk}").json()["report_ids"])
    some = api.get(f"/api/v1/themes/{a.pk}").json()["report_ids"][:1]
    split = send(api, "post", f"/api/v1/themes/{a.pk}/split", {"title": "Part", "report_ids": some})
    assert split.status_code == 201 and split.json()["report_ids"] == some
    created = send(api, "post", "/api/v1/themes", {"title": "New", "report_ids": some})
    assert created.status_code == 201 and created.json()["title_source"] == "team"
    assert send(api, "patch", f"/api/v1/themes/{a.pk}", {"title": ""}).status_code == 422
    assert as_user(people.owner).get(f"/api/v1/themes/{a.pk}").status_code == 403
    spec = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/themes/{theme_id}/reports", "/api/v1/themes/edits/{edit_id}/undo"} <= set(spec)


def test_accepting_reclusterings_proposal_is_a_move_by_hand(
    people: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_import_demo()
    analyse_demo()
    api = as_user(people.triager)
    big, other = Theme.objects.filter(report_count__gte=2).order_by("-report_count", "id")[:2]
    moved = ReportAnalysis.objects.filter(theme=big).order_by("id")[0].report_id
    reply = send(api, "post", f"/api/v1/themes/{other.pk}/reports", {"report_ids": [moved]})
    assert reply.status_code == 200
    do_recluster()
    # The hand-placed report stays; re-clustering proposes where it would put it.
    report = api.get(f"/api/v1/reports/{moved}").json()
    assert report["theme_id"] == other.pk
    target = report["proposed_theme_id"]
    assert target and target != other.pk
    url = f"/api/v1/themes/{target}/proposals/accept"
    wrong = send(api, "post", url, {"report_ids": [moved, 999_999]})
    assert wrong.status_code == 400 and "999999" in wrong.json()["detail"]
    assert as_user(people.owner).post(url, content_type="application/json").status_code == 403
    proposed = set(
        ReportAnalysis.objects.filter(proposed_theme_id=target)
        .exclude(theme_id=target)
        .values_list("report_id", flat=True)
    )
    accepted = send(api, "post", url, {})  # no report_ids: every proposal for the theme
    assert accepted.status_code == 200, accepted.content
    assert proposed <= set(accepted.json()["report_ids"])
    analysis = ReportAnalysis.objects.get(report_id=moved)
    assert analysis.theme_pinned_at is not None and analysis.proposed_theme_id is None
    assert send(api, "post", url, {}).status_code == 400  # nothing left to accept
    assert AuditEvent.objects.filter(verb="theme.proposals_accepted").count() == 1
    # Sticky: re-clustering leaves it, and the step undoes like a move.
    do_recluster()
    assert ReportAnalysis.objects.get(report_id=moved).theme_id == target
    edit = api.get(f"/api/v1/themes/{target}/edits").json()[0]
    assert edit["kind"] == "move"
    assert send(api, "post", f"/api/v1/themes/edits/{edit['id']}/undo", {}).status_code == 200
    assert ReportAnalysis.objects.get(report_id=moved).theme_id == other.pk
    spec = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/themes/{theme_id}/proposals/accept" in spec
