"""The API contract on a change's reports, on the demo: fixed when made, kept through everything."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tapecut.accounts.actions import do_create_token
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.triage.personas import make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_ai(settings):  # type: ignore[no-untyped-def]
    from tapecut.analysis.testing import forget_caches

    settings.TAPECUT_AI_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    forget_caches()
    yield
    forget_caches()


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db(transaction=True)  # the import queues analyses as its commits happen
def test_report_ids_survive_status_moves_and_reclustering_after_the_demo(fake_ai):  # type: ignore[no-untyped-def]
    call_command("demo", "--no-serve", stdout=StringIO())
    theme = Theme.objects.order_by("-report_count", "id").first()
    assert theme is not None
    members = sorted(ReportAnalysis.objects.filter(theme=theme).values_list("report_id", flat=True))
    assert members
    api = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(make_personas().triager)[1]}")
    created = post(
        api,
        "/api/v1/changes",
        {"title": "Fewer forms", "problem": "Too many", "decision": "One", "theme_ids": [theme.pk]},
    )
    assert created.status_code == 201, created.content
    change = created.json()
    assert change["report_ids"] == members
    url = f"/api/v1/changes/{change['id']}"
    for status in ("approved", "in_progress", "done"):
        moved = post(api, f"{url}/status", {"status": status})
        assert moved.status_code == 200, moved.content
        assert moved.json()["report_ids"] == members
    call_command("analyse", "--recluster", stdout=StringIO())
    after = api.get(url).json()
    assert (after["status"], after["report_ids"], after["linked_report_count"]) == (
        "done",
        members,
        len(members),
    )
    listed = api.get("/api/v1/changes").json()["items"]
    assert [c["report_ids"] for c in listed if c["id"] == change["id"]] == [members]


def test_link_and_remove_through_the_api(fake_ai):  # type: ignore[no-untyped-def]
    from tapecut.triage.factories import make_report

    people = make_personas()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(people.triager)[1]}")
    a, b = make_report(), make_report()
    change = post(api, "/api/v1/changes", {"title": "Shorter", "report_ids": [a.pk]}).json()
    url = f"/api/v1/changes/{change['id']}/reports"
    assert post(api, url, {"report_ids": [b.pk]}).json()["report_ids"] == [a.pk, b.pk]
    refused = post(api, f"{url}/remove", {"report_ids": [a.pk]})
    assert refused.status_code == 400 and refused.json()["detail"]
    kept = post(api, f"{url}/remove", {"report_ids": [a.pk], "reason": "Another problem"})
    assert kept.json()["report_ids"] == [b.pk]
    owner = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(people.owner)[1]}")
    assert post(owner, url, {"report_ids": [a.pk]}).status_code == 403
