"""The original page of a hostile HTML mail: prepared once in the worker, bounded, then read.

100,000 nested ``<div>`` (1.1 MB) took nh3 over 100 seconds per view of the page before.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any

import pytest

from tapecut.core import jobs
from tapecut.intake.models import InboundMessage, Report
from tapecut.intake.storing import do_store_inbound
from tapecut.triage import html_bounds, sanitise
from tapecut.triage.html_bounds import MAX_DEPTH, flatten, strip_tags
from tapecut.triage.models import OriginalCopy
from tapecut.triage.original import store_original

pytestmark = pytest.mark.django_db

NESTED = 100_000


def nested_mail(depth: int = NESTED) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mallory <mallory@attacker.example>"
    msg["To"] = "bureaucracy@corp.example"
    msg["Subject"] = "Travel forms"
    msg["Message-ID"] = "<nested-1@attacker.example>"
    body = "<p>The travel form wants three signatures.</p>"
    msg.set_content(body + "<div>" * depth + "deep text" + "</div>" * depth, subtype="html")
    return msg.as_bytes()


class SanitiserCalls:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        real = sanitise.nh3.clean

        def counted(markup: str, **kwargs: Any) -> str:
            self.sizes.append(len(markup))
            return real(markup, **kwargs)

        monkeypatch.setattr(sanitise.nh3, "clean", counted)


def test_the_nested_mail_is_sanitised_once_at_intake_and_the_page_reads_it(
    client_as: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    raw = nested_mail()
    assert len(raw) > 1_000_000
    calls = SanitiserCalls(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        do_store_inbound(raw, channel="smtp", envelope_to=["bureaucracy@corp.example"])
        jobs.run_pending(kinds=["intake.parse"])
    report = Report.objects.get(subject="Travel forms")
    copy = OriginalCopy.objects.get(inbound=report.inbound)
    # The worker sanitised it once, and what nh3 got was flat.
    assert len(calls.sizes) == 1
    assert flatten(copy.html).max_depth <= MAX_DEPTH + 1
    assert "deep text" in copy.html and "three signatures" in copy.html
    assert "flattened" in copy.note
    assert len(copy.html) < len(raw) / 2

    calls.sizes.clear()
    page = client_as("triager").get(f"/reports/{report.pk}/original/")
    assert page.status_code == 200
    assert calls.sizes == []  # the page parsed and sanitised nothing
    content = page.content.decode()
    assert "deep text" in content and "flattened" in content
    assert len(content) < 600_000


def test_a_report_from_before_gets_its_copy_on_first_view(client_as: Any) -> None:
    with_copy, _new = do_store_inbound(
        nested_mail(200), channel="smtp", envelope_to=["bureaucracy@corp.example"]
    )
    jobs.run_pending(kinds=["intake.parse"])  # no on-commit receivers: no copy made
    report = Report.objects.get(inbound=with_copy)
    assert not OriginalCopy.objects.exists()
    client_as("triager").get(f"/reports/{report.pk}/original/")
    assert OriginalCopy.objects.filter(inbound=with_copy).count() == 1


def test_a_copy_goes_with_its_message() -> None:
    msg, _new = do_store_inbound(nested_mail(10), channel="smtp", envelope_to=["b@corp.example"])
    assert store_original(msg) is not None
    InboundMessage.objects.filter(pk=msg.pk).delete()
    assert not OriginalCopy.objects.exists()


def test_a_nul_in_the_original_is_left_out_of_the_copy() -> None:
    # A base64 part may decode to NUL bytes; PostgreSQL keeps no NUL in text or JSON columns,
    # and a refused copy would have undone the whole import batch (found on real mail).
    raw = (
        b"From: ann@corp.example\r\nTo: bureaucracy@corp.example\r\n"
        b"Subject: Stamp\x00form\r\nContent-Type: text/plain; charset=latin-1\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"Three\x00stamps for one form.\x00")
        + b"\r\n"
    )
    msg, _new = do_store_inbound(raw, channel="smtp", envelope_to=["bureaucracy@corp.example"])
    copy = store_original(msg)
    assert copy is not None
    copy.refresh_from_db()
    assert copy.text == "Threestamps for one form."
    assert all("\x00" not in value for pair in copy.headers for value in pair)


def test_flatten_keeps_depth_and_makes_no_new_tags() -> None:
    flat = flatten("<div>" * 500 + "x" + "</div>" * 500)
    assert flat.max_depth == MAX_DEPTH and flat.dropped == 800
    assert flat.html.count("<div>") == MAX_DEPTH == flat.html.count("</div>")
    # A tag removed from inside another's name must not join the halves into a tag.
    joined = flatten("<div>" * MAX_DEPTH + "<<div>div>", MAX_DEPTH)
    assert "<div>div>" not in joined.html
    # End tags the parser would ignore cannot hide nesting from the count.
    sneaky = flatten("<div></span>" * 300)
    assert sneaky.max_depth == MAX_DEPTH
    # An end tag does not close past a table: the parser keeps the div open there too.
    tables = flatten("<div><table></div>" * 300)
    assert tables.max_depth == MAX_DEPTH
    # Self-closing and void elements do not pile up.
    assert flatten("<p>a<li>b<br><td>c" * 1000).dropped == 0


def test_costly_html_falls_back_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_bounds, "MAX_WORK", 10_000)
    costly = "<span>" * (MAX_DEPTH - 1) + "<b>x</b>" * 100
    assert flatten(costly).work == sum(range(MAX_DEPTH)) + 100 * (MAX_DEPTH + MAX_DEPTH - 1)
    html, note = sanitise.clean_html_noted(costly)
    assert html == "" and "text only" in note
    assert strip_tags("<b>bold</b> and <i>more") == " bold  and  more"
    assert strip_tags("a <b no end") == "a <b no end"
