"""API attachments: the documented limit is reachable, and beyond it a JSON 413, early."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.test import RequestFactory, override_settings

from tapecut.accounts.actions import do_create_token
from tapecut.api.limits import ApiBodyLimitMiddleware, api_body_limit
from tapecut.custody.testing import make_user
from tapecut.intake.models import Attachment, InboundMessage

URL = "/api/v1/reports"

pytestmark = pytest.mark.django_db


def post(client, token: str, size: int):  # type: ignore[no-untyped-def]
    body = {
        "text": "The scanned form, as asked.",
        "mode": "anonymous",
        "attachments": [
            {"filename": "scan.pdf", "data_base64": base64.b64encode(b"%" * size).decode()}
        ],
    }
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_attachments_beyond_djangos_own_limit_arrive(client):
    _t, raw = do_create_token(make_user("portal", "reporter"), scopes=["submit"])
    answer = post(client, raw, 3 * 1024 * 1024)  # Django alone refuses 2.5 MB with HTML
    assert answer.status_code == 201, answer.content[:300]
    assert Attachment.objects.get().size == 3 * 1024 * 1024


@override_settings(TAPECUT_MAX_MESSAGE_BYTES=512 * 1024)
def test_beyond_the_limit_is_a_json_413(client):
    _t, raw = do_create_token(make_user("portal", "reporter"), scopes=["submit"])
    answer = post(client, raw, 2 * 1024 * 1024)
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json"
    assert "MiB" in answer.json()["detail"]
    assert not InboundMessage.objects.exists()


class CountingStream(io.RawIOBase):
    def __init__(self) -> None:
        self.read_bytes = 0

    def readinto(self, buffer):  # type: ignore[no-untyped-def]
        n = len(buffer)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def environ(values: dict[str, Any]) -> Any:
    return values  # RequestFactory passes extra keys into the WSGI environ as they are


def test_a_declared_300_mb_body_is_refused_before_a_byte_is_read():
    stream = CountingStream()
    request = RequestFactory().generic(
        "POST",
        URL,
        content_type="application/json",
        **environ({"CONTENT_LENGTH": str(300 * 1024 * 1024), "wsgi.input": stream}),
    )
    answer = ApiBodyLimitMiddleware(lambda r: pytest.fail("the view must not run"))(request)
    assert answer.status_code == 413 and stream.read_bytes == 0
    assert api_body_limit() < 300 * 1024 * 1024
    # Without a declared length the reading stops at the limit, not at the end.
    stream = CountingStream()
    request = RequestFactory().generic(
        "POST", URL, content_type="application/json", **environ({"wsgi.input": stream})
    )
    request.META["CONTENT_LENGTH"] = ""
    request._stream = stream  # type: ignore[assignment]
    answer = ApiBodyLimitMiddleware(lambda r: pytest.fail("the view must not run"))(request)
    assert answer.status_code == 413
    assert api_body_limit() < stream.read_bytes <= api_body_limit() + 2 * 64 * 1024
