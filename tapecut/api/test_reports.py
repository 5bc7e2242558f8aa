"""/api/v1/reports through Django's test client: auth, roles, submit, list, filters, detail."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openapi_spec_validator import validate

from tapecut.accounts.actions import do_create_token, do_revoke_token
from tapecut.accounts.models import Token
from tapecut.custody import receipts
from tapecut.custody.testing import MARKER_ADDRESS, MARKER_NAME, leaks_in, make_user
from tapecut.intake.models import Attachment, Channel, InboundMessage, Mode, Report

URL = "/api/v1/reports"


@pytest.fixture
def triager_token(db):
    _token, raw = do_create_token(make_user("tina", "triager"))
    return raw


@pytest.fixture
def submitter_token(db):
    # A token reports as its own user: this one is the marker person.
    first, last = MARKER_NAME.split()
    user = make_user("portal", "reporter", email=MARKER_ADDRESS, first_name=first, last_name=last)
    _token, raw = do_create_token(user, scopes=["submit"])
    return raw


def call(client, method, url, token, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


@pytest.mark.django_db
def test_token_command_prints_once_and_stores_only_a_hash():
    make_user("portal")
    out = StringIO()
    call_command(
        "token", "create", "--user", "portal", "--name", "intranet", "--scope", "submit", stdout=out
    )
    raw = out.getvalue().strip()
    token = Token.objects.get()
    assert raw.startswith("tct_") and len(raw) > 40
    assert raw not in (token.digest, token.prefix) and raw.startswith(token.prefix)
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and raw not in listing.getvalue()
    call_command("token", "revoke", token.prefix, stdout=StringIO())
    assert Token.objects.get().revoked_at is not None
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody", "--scope", "read")


@pytest.mark.django_db
def test_requests_without_a_valid_token_are_refused(client, triager_token):
    assert client.get(URL).status_code == 401
    assert call(client, "get", URL, "tct_wrong").status_code == 401
    token = Token.objects.get()
    do_revoke_token(token)
    assert call(client, "get", URL, triager_token).status_code == 401


@pytest.mark.django_db
def test_reading_reports_needs_a_triage_role(client, triager_token):
    _token, reader = do_create_token(make_user("rita", "reporter"), scopes=["read"])
    assert call(client, "get", URL, reader).status_code == 403
    assert call(client, "get", URL, triager_token).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [Mode.NAMED, Mode.PSEUDONYMOUS, Mode.ANONYMOUS])
def test_submit_in_every_mode(client, submitter_token, mode):
    body = {
        "subject": "Expense claims",
        "text": "Three signatures for a 4 euro taxi receipt.",
        "mode": mode,
        "reporter": {"address": MARKER_ADDRESS, "name": MARKER_NAME},
    }
    answer = call(client, "post", URL, submitter_token, body)
    assert answer.status_code == 201, answer.content
    data = answer.json()
    report = Report.objects.get(pk=data["id"])
    assert report.channel == Channel.API and report.mode == mode
    assert data["outcome"] == "report"
    if mode == Mode.ANONYMOUS:
        assert receipts.find_report(data["receipt"]) == report
    else:
        assert data["receipt"] is None
    assert InboundMessage.objects.get().encrypted == (mode != Mode.NAMED)


@pytest.mark.django_db
def test_named_submission_files_as_the_token_user(client, submitter_token):
    answer = call(client, "post", URL, submitter_token, {"text": "x", "mode": "named"})
    assert answer.status_code == 201
    reporter = Report.objects.get().reporter
    assert reporter is not None and reporter.address == MARKER_ADDRESS
    Report.objects.all().delete()
    bad = call(client, "post", URL, submitter_token, {"text": "", "mode": "anonymous"})
    assert bad.status_code == 422
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_submission_with_attachment(client, submitter_token):
    body: dict[str, Any] = {
        "text": "See the scanned form.",
        "mode": "anonymous",
        "attachments": [
            {"filename": "form.pdf", "data_base64": base64.b64encode(b"%PDF-1.4 x").decode()}
        ],
    }
    assert call(client, "post", URL, submitter_token, body).status_code == 201
    assert Attachment.objects.get().filename == "form.pdf"
    body["attachments"][0]["data_base64"] = "not base64!"
    assert call(client, "post", URL, submitter_token, body).status_code == 400


@pytest.mark.django_db
def test_list_filters_and_pagination(client, submitter_token, triager_token):
    for i in range(3):
        call(client, "post", URL, submitter_token, {"text": f"Anonymous {i}", "mode": "anonymous"})
    call(
        client,
        "post",
        URL,
        submitter_token,
        {"text": "Named one", "mode": "named"},
    )
    everything = call(client, "get", URL, triager_token).json()
    assert everything["count"] == 4 and len(everything["items"]) == 4
    anonymous = call(client, "get", f"{URL}?mode=anonymous", triager_token).json()
    assert anonymous["count"] == 3
    assert all(item["reporter"] is None for item in anonymous["items"])
    page = call(client, "get", f"{URL}?page=2&page_size=3", triager_token).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    later = quote((timezone.now() + timedelta(hours=1)).isoformat())
    assert call(client, "get", f"{URL}?since={later}", triager_token).json()["count"] == 0
    earlier = (timezone.now() - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert call(client, "get", f"{URL}?until={earlier}", triager_token).json()["count"] == 0
    assert call(client, "get", f"{URL}?channel=api&status=new", triager_token).json()["count"] == 4
    assert call(client, "get", f"{URL}?channel=smtp", triager_token).json()["count"] == 0


@pytest.mark.django_db
def test_detail_never_shows_a_protected_identity(client, submitter_token, triager_token):
    body = {
        "subject": f"From {MARKER_NAME}",
        "text": f"I am {MARKER_NAME}, write to {MARKER_ADDRESS}.",
        "mode": "pseudonymous",
        "reporter": {"address": MARKER_ADDRESS, "name": MARKER_NAME},
    }
    created = call(client, "post", URL, submitter_token, body).json()
    detail = call(client, "get", f"{URL}/{created['id']}", triager_token)
    assert detail.status_code == 200
    data = detail.json()
    assert data["reporter"]["label"].startswith("Reporter ")
    assert data["reporter"]["address"] is None
    assert leaks_in(detail.content) == []
    assert call(client, "get", f"{URL}/999999", triager_token).status_code == 404


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    spec = schema.json()
    validate(spec)
    assert {"/api/v1/reports", "/api/v1/reports/{report_id}"} <= set(spec["paths"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content  # served from our own static files
