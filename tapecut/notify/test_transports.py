"""Team notifications through every transport, against a local server that records them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tapecut.core import jobs
from tapecut.core.models import Job
from tapecut.notify import dispatch
from tapecut.notify.models import Destination, Dispatch
from tapecut.notify.recording import recording_server
from tapecut.notify.transports.webhook import signature
from tapecut.triage import actions
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Notice

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"


def run() -> int:
    return jobs.run_pending(kinds=[dispatch.SEND_JOB])


def retry_now() -> None:
    """The queue waits before a retry; the tests do not."""
    Job.objects.filter(kind=dispatch.SEND_JOB, state="pending").update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )


def destinations(url: str) -> dict[str, Destination]:
    def add(kind: str, path: str, **fields: Any) -> Destination:
        return Destination.objects.create(name=path, kind=kind, target=url + path, **fields)

    return {
        "webhook": add("webhook", "/hook", secret=SECRET, grow_threshold=5),
        "slack": add("slack", "/slack", grow_threshold=5),
        "teams": add("teams", "/teams", grow_threshold=5, allow_report_text=True),
        "down": add("webhook", "/down", secret=SECRET, grow_threshold=5),
        "mail": Destination.objects.create(
            name="team", kind="email", target="team@corp.example", grow_threshold=5
        ),
    }


def verify(arrival: Any) -> bool:
    """What a receiver does: recompute the HMAC over timestamp.body, compare in constant time."""
    stamp = arrival.headers["X-Tapecut-Timestamp"]
    expected = (
        "sha256="
        + hmac.new(
            SECRET.encode(), stamp.encode() + b"." + arrival.body, hashlib.sha256
        ).hexdigest()
    )
    fresh = abs(time.time() - int(stamp)) < 300
    return fresh and hmac.compare_digest(expected, arrival.headers["X-Tapecut-Signature"])


def test_events_reach_every_transport_signed_and_without_report_text(personas: Any) -> None:
    with recording_server() as server:
        dests = destinations(server.url)
        server.down.add("/down")
        reports = [
            make_report(f"Travel {i}", sender=f"t{i}@corp.example", text=f"secret words {i}")
            for i in range(6)
        ]
        theme = make_theme("Reisekosten: drei Unterschriften", reports)
        change = actions.do_create_change(
            title="One signature", actor=personas.triager, themes=[theme]
        )
        for step in ("approved", "done"):
            actions.do_change_status(change, step, actor=personas.triager)
        notice = Notice.objects.create(
            kind="outcome", change=change, report=reports[0], channel="email", step="done"
        )
        actions.do_record_feedback(notice, "no", comment="Still two signatures, says Nina.")

        assert dispatch.do_scan() == 4 * 5  # new theme, grew past 5, attention, done × 5
        assert dispatch.do_scan() == 0  # told once
        assert run() == 20
        hooks = server.at("/hook")
        assert sorted(a.json()["event"] for a in hooks) == [
            "change.attention", "change.done", "theme.grew", "theme.new"
        ]  # fmt: skip
        assert all(verify(a) for a in hooks)
        # Tampered bodies fail the check.
        assert not verify(type(hooks[0])(hooks[0].path, hooks[0].headers, hooks[0].body + b" "))
        done = next(a.json() for a in hooks if a.json()["event"] == "change.done")
        assert done["title"] == "One signature" and done["reports"] == 6
        assert done["url"].endswith(f"/changes/{change.pk}/")
        everything = (
            b"".join(a.body for a in server.arrivals)
            + "".join(str(m.body) for m in mail.outbox).encode()
        )
        for secret in (b"t0@corp.example", b"secret words", b"Nina"):
            assert secret not in b"".join(a.body for a in server.at("/hook"))
            assert secret not in b"".join(a.body for a in server.at("/slack"))
        # Only the destination allowed report text gets the reporter's words, never an address.
        assert b"Still two signatures" in b"".join(a.body for a in server.at("/teams"))
        assert b"Still two signatures" not in b"".join(a.body for a in server.at("/hook"))
        assert b"@corp.example" not in everything.replace(b"team@corp.example", b"")
        slack = server.at("/slack")[0].json()
        assert slack["text"] and slack["blocks"][0]["type"] == "section"
        teams = server.at("/teams")[0].json()
        card = teams["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["type"] == "AdaptiveCard"
        assert len(mail.outbox) == 4
        assert all(m.to == ["team@corp.example"] for m in mail.outbox)

        # The destination that is down held up nobody, and is retried until it takes them.
        assert len(server.refused) == 4
        pending = Dispatch.objects.filter(destination=dests["down"], state="pending")
        assert pending.count() == 4 and pending.first().attempts == 1  # type: ignore[union-attr]
        assert run() == 0  # waiting: backoff
        retry_now()
        assert run() == 4 and len(server.refused) == 8
        server.down.clear()
        retry_now()
        assert run() == 4
        assert all(verify(a) for a in server.at("/down")) and len(server.at("/down")) == 4
        assert not Dispatch.objects.exclude(state="sent").exists()
        # One delivery id per message, the same on each try: receivers drop repeats by it.
        ids = [a.headers["X-Tapecut-Delivery"] for a in server.at("/down")]
        assert len(set(ids)) == 4


def test_small_counts_are_not_sent_and_overdue_changes_are(personas: Any) -> None:
    with recording_server() as server:
        Destination.objects.create(
            name="hook", kind="webhook", target=server.url + "/hook", secret=SECRET,
            events=["theme.new", "change.overdue"],
        )  # fmt: skip
        make_theme("Lonely", [make_report("Canteen", sender="c@corp.example")])  # not yet
        make_theme("Parking", [make_report("Parking", sender=f"p{i}@corp.example") for i in (1, 2)])
        change = actions.do_create_change(
            title="Parking permits", actor=personas.triager,
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip
        assert dispatch.do_scan() == 2
        run()
        got = {a.json()["event"]: a.json() for a in server.at("/hook")}
        assert got["theme.new"]["reports"] is None
        assert got["theme.new"]["reports_fewer_than"] == 5
        assert got["theme.new"]["report_text"] == ""  # "Parking" came from a report
        assert got["change.overdue"]["title"] == change.title
        assert signature(SECRET, "1", b"{}") != signature("other", "1", b"{}")
