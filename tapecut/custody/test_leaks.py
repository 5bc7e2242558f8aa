"""The leak test: protected reports by every channel, then a search for the sender everywhere.

A pseudonymous and an anonymous report arrive by mail (the SMTP path: store raw, then process),
by the web form and by the API, each carrying a marker address and name in the headers, the
display name and the signature; replies and receipt answers follow, and the background jobs
(automatic answers) run. Then the raw bytes of the SQLite database and its WAL, the message
store, every log line and every page and API answer a triager can open are searched for the
marker. It must appear nowhere in plain text.
"""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest

from tapecut.accounts.actions import do_create_token
from tapecut.custody.testing import (
    Marker,
    database_bytes,
    leaks_in,
    make_user,
    marker_mail,
    receive,
    run_jobs,
    store_bytes,
)
from tapecut.custody.testing import signature as signature_of
from tapecut.intake.form import issue_token
from tapecut.intake.models import Attachment, InboundMessage, Mode, Report
from tapecut.intake.parsing import parse_message

ANON = "anonymous@corp.example"
MAIN = "bureaucracy@corp.example"


def by_mail(marker: Marker) -> None:
    first = marker_mail(to=ANON, marker=marker, attachment_name=f"{marker.name}.pdf")
    receive(first, to=ANON, envelope_from=marker.address)
    receive(
        marker_mail(to=MAIN, subject="Pseudonymous by mail", marker=marker),
        to=MAIN,
        mode=Mode.PSEUDONYMOUS,
        envelope_from=marker.address,
    )
    reply = marker_mail(
        to=ANON, subject="Re: Form 27b", marker=marker, in_reply_to=parse_message(first).message_id
    )
    assert receive(reply, to=ANON, envelope_from=marker.address)[1].outcome == "reply"


def by_form(client, marker: Marker) -> str:
    # The account itself holds the address and name (it is the staff directory); what must not
    # exist is anything outside the user table that holds them or links the account to a report.
    user = make_user(
        "formuser",
        email=marker.address,
        first_name=marker.name.split()[0],
        last_name=marker.name.split()[1],
    )
    client.force_login(user)
    receipt = ""
    for mode in (Mode.PSEUDONYMOUS, Mode.ANONYMOUS):
        page = client.post(
            "/report/",
            {
                "subject": f"{mode} by the form, from {marker.name}",
                "text": f"The canteen form wants my staff number.\n\n{signature_of(marker)}",
                "mode": mode,
                "website": "",
                "token": issue_token(time.time() - 10),
            },
        )
        assert page.status_code == 200, page.content
        receipt = page.context["submission"].receipt or receipt
    client.logout()
    answer = client.post(
        "/receipt/", {"code": receipt, "answer": f"More detail.\n\n{signature_of(marker)}"}
    )
    assert answer.status_code == 200 and answer.context["answered"]
    return receipt


def by_api(client, marker: Marker) -> None:
    # A token reports as its own user (whose account, like the form user's, holds the marker).
    first, last = marker.name.split()
    user = make_user("portal", "reporter", email=marker.address, first_name=first, last_name=last)
    _token, raw = do_create_token(user, scopes=["submit"])
    for mode in (Mode.PSEUDONYMOUS, Mode.ANONYMOUS):
        body = {
            "subject": f"{mode} by the API",
            "text": f"Hi, {marker.name} here.\n\n{signature_of(marker)}",
            "mode": mode,
            "reporter": {"address": marker.address, "name": marker.name},
            "attachments": [
                {
                    "filename": f"{marker.name} notes.txt",
                    "data_base64": base64.b64encode(b"x").decode(),
                }
            ],
        }
        answer = client.post(
            "/api/v1/reports",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert answer.status_code == 201, answer.content


def triage_pages(client) -> dict[str, bytes]:
    _token, raw = do_create_token(make_user("tina-api", "triager"))
    client.force_login(make_user("tina", "triager"))
    # The triage workspace's inbox and report pages, the API, the team's copy of each message.
    must = ["/inbox/", "/api/v1/reports?page_size=200"]
    may = ["/", "/themes/", "/board/", "/changes/"]
    for report in Report.objects.all():
        must.append(f"/reports/{report.pk}/")
        must.append(f"/api/v1/reports/{report.pk}")
        may.append(f"/reports/{report.pk}/original/")
    for msg in InboundMessage.objects.all():
        must.append(f"/identity/messages/{msg.pk}/original.eml")
    for attachment in Attachment.objects.filter(report__isnull=False):
        may.append(f"/reports/{attachment.report_id}/attachments/{attachment.pk}/")
    pages: dict[str, bytes] = {}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for url in must + may:
        page = client.get(url, **auth)
        if url in must:
            assert page.status_code == 200, (url, page.status_code)
        if page.status_code == 200:
            content = b"".join(page.streaming_content) if page.streaming else page.content
            pages[url] = content
    return pages


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_protected_identities_appear_nowhere_in_plain_text(client, caplog):
    caplog.set_level(logging.DEBUG)
    marker = Marker.unique()
    by_mail(marker)
    by_form(client, marker)
    by_api(client, marker)
    run_jobs()  # automatic answers and whatever else the reports set off
    reports = Report.objects.all()
    assert reports.count() == 6
    assert {r.mode for r in reports} == {Mode.PSEUDONYMOUS, Mode.ANONYMOUS}
    assert {r.channel for r in reports} == {"smtp", "form", "api"}

    found = {
        "database file": leaks_in(database_bytes(skip_tables=("auth_user",)), marker),
        "message store": leaks_in(store_bytes(), marker),
        "logs": leaks_in(caplog.text, marker),
    }
    for url, content in triage_pages(client).items():
        found[url] = leaks_in(content, marker)
    assert {where: what for where, what in found.items() if what} == {}
    # The test can see a leak: named mail with the same marker is found at once.
    receive(marker_mail(to=MAIN, marker=marker), to=MAIN, mode=Mode.NAMED)
    assert leaks_in(database_bytes(skip_tables=("auth_user",)), marker)
