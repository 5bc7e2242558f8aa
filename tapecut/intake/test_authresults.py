"""The receipt code goes only to a sender our own mail server authenticated."""

from __future__ import annotations

import pytest
from django.core import mail

from tapecut.core import jobs
from tapecut.custody.testing import Marker, marker_mail, receive
from tapecut.intake.authresults import sender_authenticated, vouched

TRUSTED = ["mx.corp.example"]


def raw(*fields: str) -> bytes:
    head = "".join(f"Authentication-Results: {f}\r\n" for f in fields)
    return f"{head}From: a@leak.example\r\nSubject: x\r\n\r\nbody\r\n".encode()


@pytest.mark.parametrize(
    ("field", "ok"),
    [
        ("mx.corp.example; dkim=pass header.d=leak.example", True),
        ("mx.corp.example; spf=pass smtp.mailfrom=bounce@mail.leak.example", True),
        ("mx.corp.example; dmarc=pass (p=reject) header.from=leak.example", True),
        ("MX.CORP.EXAMPLE; dkim=pass header.i=@leak.example", True),
        ("mx.corp.example; dkim=pass header.d=other.example", False),
        ("mx.corp.example; dkim=fail header.d=leak.example; spf=softfail", False),
        ("attacker.example; dkim=pass header.d=leak.example", False),
        ("mx.corp.example; dkim=pass header.d=example", False),
    ],
)
def test_only_a_pass_for_the_from_domain_by_a_trusted_server_counts(field, ok):
    assert vouched(field, "leak.example", TRUSTED) is ok


def test_nothing_is_trusted_without_configuration():
    field = "mx.corp.example; dkim=pass header.d=leak.example"
    assert sender_authenticated(raw(field), "a@leak.example", TRUSTED)
    assert not sender_authenticated(raw(field), "a@leak.example", [])
    assert not sender_authenticated(raw(), "a@leak.example", TRUSTED)


@pytest.mark.django_db(transaction=True)
def test_a_forged_sender_gets_no_code_and_an_authenticated_one_does():
    forged, real = Marker.unique(), Marker.unique()
    anon = "anonymous@corp.example"
    receive(marker_mail(to=anon, marker=forged, authenticated=False), to=anon)
    receive(marker_mail(to=anon, marker=real), to=anon)
    jobs.run_pending()
    assert [m.to for m in mail.outbox] == [[real.address]]


@pytest.mark.django_db
def test_the_receipt_page_says_how_to_get_a_code(client):
    page = client.get("/receipt/")
    assert b"web form" in page.content
