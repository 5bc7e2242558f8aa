"""The API over real HTTP against a running server (pytest-django's live_server)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tapecut.accounts.actions import do_create_token
from tapecut.custody import receipts
from tapecut.custody.testing import make_user
from tapecut.intake.models import Report


def http(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_post_and_read_a_report_over_http(live_server):
    _t, submitter = do_create_token(make_user("portal", "reporter"))
    _t, triager = do_create_token(make_user("tina", "triager"))
    base = f"{live_server.url}/api/v1/reports"
    status, created = http(
        "POST",
        base,
        submitter,
        {"subject": "Live", "text": "Posted over HTTP.", "mode": "anonymous"},
    )
    assert status == 201, created
    report = Report.objects.get(pk=created["id"])
    assert receipts.find_report(created["receipt"]) == report
    status, detail = http("GET", f"{base}/{created['id']}", triager)
    assert status == 200 and detail["text"] == "Posted over HTTP."
    status, _body = http("GET", base, "tct_not-a-token")
    assert status == 401
