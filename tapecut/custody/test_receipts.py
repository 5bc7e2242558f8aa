"""Receipt codes: format, storage as a slow hash, lookup, and what a wrong code costs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from tapecut.core import throttle
from tapecut.core.models import ThrottleCounter
from tapecut.custody import receipts
from tapecut.custody.actions import do_issue_receipt
from tapecut.intake.models import Channel, Mode, Report


def make_report(**fields) -> Report:
    defaults = {"channel": Channel.FORM, "mode": Mode.ANONYMOUS, "received_at": timezone.now()}
    return Report.objects.create(**{**defaults, **fields})


def test_codes_are_sixteen_random_digits_shown_in_groups():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"\d{16}", c) for c in codes)
    assert receipts.format_code("1234567890123456") == "1234-5678-9012-3456"


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("1234-5678-9012-3456", "1234567890123456"),
        (" 1234 5678 9012 3456 ", "1234567890123456"),
        ("1234567890123456", "1234567890123456"),
        ("1234-5678-9012-345", ""),
        ("1234-5678-9012-345x", ""),
        ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", ""),  # non-ASCII digits are not codes
        ("", ""),
    ],
)
def test_normalise_code(typed, digits):
    assert receipts.normalise_code(typed) == digits


@pytest.mark.django_db
def test_issued_code_is_stored_only_as_a_slow_hash_and_finds_its_report():
    report = make_report()
    code = do_issue_receipt(report)
    report.refresh_from_db()
    digits = code.replace("-", "")
    assert digits not in report.receipt_hash
    assert report.receipt_hash.startswith("$argon2id$")
    assert len(report.receipt_lookup) == receipts.LOOKUP_HEX
    assert receipts.find_report(code) == report
    assert receipts.find_report(digits) == report


@pytest.mark.django_db
def test_wrong_code_finds_nothing_even_in_the_same_lookup_bucket(monkeypatch):
    report = make_report()
    do_issue_receipt(report)
    report.refresh_from_db()
    # Force a bucket collision: a wrong code must still fail the Argon2 check.
    monkeypatch.setattr(receipts, "lookup_key", lambda digits: report.receipt_lookup)
    assert receipts.find_report("0000-0000-0000-0001") is None


@pytest.mark.django_db
def test_a_miss_costs_what_a_hit_costs(monkeypatch):
    """Every lookup runs exactly one Argon2 verification: hit, miss or malformed alike."""
    report = make_report()
    code = do_issue_receipt(report)
    calls: list[str] = []
    real_verify = receipts.verify

    def counting(stored_hash: str, digits: str) -> bool:
        calls.append(digits)
        return real_verify(stored_hash, digits)

    monkeypatch.setattr(receipts, "verify", counting)
    for typed in (code, "1111-2222-3333-4444", "not a code", ""):
        calls.clear()
        receipts.find_report(typed)
        assert len(calls) == 1, typed
        assert len(calls[0]) == receipts.DIGITS  # the same work for a malformed code


@pytest.mark.django_db
def test_throttle_counts_per_client_and_globally(settings):
    settings.TAPECUT_RECEIPT_ATTEMPTS_PER_IP = 3
    settings.TAPECUT_RECEIPT_ATTEMPTS_GLOBAL = 5
    factory = RequestFactory()
    one = factory.post("/receipt/", REMOTE_ADDR="192.0.2.1")
    two = factory.post("/receipt/", REMOTE_ADDR="192.0.2.2")
    for _ in range(3):
        assert throttle.receipt_allowed(one)
        throttle.receipt_failed(one)
    assert not throttle.receipt_allowed(one)
    assert throttle.receipt_allowed(two)
    throttle.receipt_failed(two)
    throttle.receipt_failed(two)
    # Five failures in all: now nobody may try.
    assert not throttle.receipt_allowed(factory.post("/receipt/", REMOTE_ADDR="192.0.2.3"))
    stored = " ".join(ThrottleCounter.objects.values_list("key", flat=True))
    assert "192.0.2" not in stored


@pytest.mark.django_db
def test_client_ip_behind_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9")
    assert throttle.client_ip(request) == "10.0.0.1"
    settings.TAPECUT_TRUSTED_PROXIES = 1
    assert throttle.client_ip(request) == "192.0.2.9"
    settings.TAPECUT_TRUSTED_PROXIES = 3
    assert throttle.client_ip(request) == "10.0.0.1"


@pytest.mark.django_db
def test_claim_once_refuses_a_replay():
    issued = timezone.now()
    assert throttle.claim_once("form-token", "nonce-1", issued)
    assert not throttle.claim_once("form-token", "nonce-1", issued)
    assert throttle.claim_once("form-token", "nonce-2", issued)


def test_the_receipt_page_explains_a_missing_code_in_both_languages(client: Any) -> None:
    english = client.get("/receipt/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reported by email and no code came back?" in english
    german = client.get("/receipt/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Per E-Mail gemeldet und kein Code zurückgekommen?" in german
    assert "no code came back" not in german
