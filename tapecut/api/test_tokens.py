"""API tokens have scopes and an expiry, and report only as their own user.

A token holder once filed a named report as ``ceo@corp.example`` and learnt a colleague's
pseudonym by posting their address; a token of anyone could do anything until revoked.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tapecut.accounts.actions import do_create_token
from tapecut.accounts.models import Token
from tapecut.core.models import AuditEvent
from tapecut.custody.testing import make_user
from tapecut.intake import identity
from tapecut.intake.form import issue_token
from tapecut.intake.models import Mode, Report

URL = "/api/v1/reports"
OWNER = "owner.user@corp.example"

pytestmark = pytest.mark.django_db


def post(client, token: str, body: dict) -> Any:
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def alias_of(report: Report) -> str:
    assert report.reporter is not None
    return report.reporter.alias


def test_a_token_may_not_claim_someone_elses_identity(client):
    _t, raw = do_create_token(make_user("mallory", "reporter", email="mallory@corp.example"))
    for mode in (Mode.NAMED, Mode.PSEUDONYMOUS, Mode.ANONYMOUS):
        body = {"text": "x", "mode": mode, "reporter": {"address": "ceo@corp.example"}}
        answer = post(client, raw, body)
        assert answer.status_code == 403, answer.content
        assert "own user" in answer.json()["detail"]
    assert not Report.objects.exists()
    named = post(client, raw, {"text": "My own report.", "mode": Mode.NAMED})
    assert named.status_code == 201
    reporter = Report.objects.get().reporter
    assert reporter is not None and reporter.address == "mallory@corp.example"
    event = AuditEvent.objects.filter(verb="report.submit").get()
    assert event.actor is not None and event.actor.get_username() == "mallory"


def test_a_pseudonym_cannot_be_tested_through_the_api(client):
    owner = make_user("owner", email=OWNER)
    client.force_login(owner)
    page = client.post(
        "/report/",
        {
            "subject": "Canteen",
            "text": "The canteen form.",
            "mode": Mode.PSEUDONYMOUS,
            "website": "",
            "token": issue_token(time.time() - 10),
        },
    )
    assert page.status_code == 200
    client.logout()
    web_alias = alias_of(Report.objects.get())
    # The owner's own API token files under the owner's web alias; another's is refused.
    _t, mine = do_create_token(owner, scopes=["submit"])
    assert post(client, mine, {"text": "Again.", "mode": Mode.PSEUDONYMOUS}).status_code == 201
    assert alias_of(Report.objects.latest("pk")) == web_alias
    _t, theirs = do_create_token(make_user("eve", "triager", email="eve@corp.example"))
    body = {"text": "x", "mode": Mode.PSEUDONYMOUS, "reporter": {"address": OWNER}}
    assert post(client, theirs, body).status_code == 403
    # Aliases are drawn at random: the mail alias of the same address is another one.
    mail = identity.resolve_reporter(OWNER, "", Mode.PSEUDONYMOUS, "smtp")
    assert mail is not None and mail.alias != web_alias and mail.alias.startswith("Reporter ")


def test_scopes_and_expiry(client):
    user = make_user("tina", "triager", email="tina@corp.example")
    _t, reader = do_create_token(user, scopes=["read"])
    _t, submitter = do_create_token(user, scopes=["submit"])
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {submitter}").status_code == 403
    assert post(client, reader, {"text": "x", "mode": "anonymous"}).status_code == 403
    assert post(client, submitter, {"text": "x", "mode": "anonymous"}).status_code == 201
    token, old = do_create_token(user, scopes=["read"], days=30)
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    Token.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    with pytest.raises(ValueError):
        do_create_token(user, scopes=["everything"])
