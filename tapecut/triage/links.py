"""Signed links a reporter receives: follow a report, answer "did this fix it?".

They carry no expiry on purpose (a change may come months after the report) and grant only the
one thing they name: reading one report's progress, or answering for one notice.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

FEEDBACK_SALT = "tapecut.triage.feedback"
FOLLOW_SALT = "tapecut.triage.follow"


def _dumps(value: int, salt: str) -> str:
    return signing.dumps(value, salt=salt)


def _loads(token: str, salt: str) -> int | None:
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def absolute(path: str) -> str:
    return settings.TAPECUT_BASE_URL.rstrip("/") + path


def feedback_token(notice_id: int) -> str:
    return _dumps(notice_id, FEEDBACK_SALT)


def notice_id_from_token(token: str) -> int | None:
    return _loads(token, FEEDBACK_SALT)


def follow_token(report_id: int) -> str:
    return _dumps(report_id, FOLLOW_SALT)


def report_id_from_token(token: str) -> int | None:
    return _loads(token, FOLLOW_SALT)


def feedback_url(notice_id: int, answer: str = "") -> str:
    path = reverse("triage:feedback", args=[feedback_token(notice_id)])
    return absolute(path + (f"?answer={answer}" if answer else ""))


def follow_url(report_id: int) -> str:
    return absolute(reverse("triage:follow", args=[follow_token(report_id)]))
